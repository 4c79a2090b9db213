import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = 100; // Linux USER_HZ: /proc stat times are in 1/100 s

/**
 * Where a CPU reading came from: `schedstat`, the scheduler's runtime of each thread in nanoseconds; `stat`, utime +
 * stime in clock ticks (10 ms: a difference of two readings is off by up to 10 ms), where the kernel has no schedstat.
 */
export type CpuClock = "schedstat" | "stat";

export type CpuReading = { seconds: number; clock: CpuClock };

/**
 * The fields of a /proc `stat` line after the command name, from the field `state` on (field 3 of proc(5) at index 0).
 * The name is cut at the line's last ")": a command name may hold spaces and parentheses of its own.
 */
export function statFieldsOf(line: string): string[] {
  const end = line.lastIndexOf(")");
  if (end < 0) {
    throw new Error(`not a /proc stat line: ${line.slice(0, 80)}`);
  }
  return line
    .slice(end + 2)
    .trim()
    .split(" ");
}

/** Seconds of CPU (utime + stime, fields 14 and 15 of proc(5)) a /proc `stat` line reports. */
export function statCpuSeconds(line: string): number {
  const fields = statFieldsOf(line);
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  if (!Number.isFinite(utime) || !Number.isFinite(stime)) {
    throw new Error(`no utime/stime in the /proc stat line: ${line.slice(0, 80)}`);
  }
  return (utime + stime) / CLK_TCK;
}

/**
 * Seconds a thread has run on a CPU, from its /proc `schedstat` text (proc(5): three numbers, the time spent on the
 * CPU in nanoseconds, the time spent waiting on a runqueue, the timeslices run; only the first is read).
 */
export function schedstatSeconds(text: string): number {
  const first = /^\s*(\d+)\s+\d+\s+\d+\s*$/.exec(text)?.[1];
  if (first === undefined) {
    throw new Error(`not a /proc schedstat text: ${text.slice(0, 80)}`);
  }
  return Number(first) / 1e9;
}

/** A `Vm…:` figure of a /proc `status` text in bytes (VmRSS, VmHWM: given in kB); undefined when it is absent. */
export function statusBytes(status: string, field: "VmRSS" | "VmHWM"): number | undefined {
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, "m").exec(status);
  return match ? Number(match[1]) * 1024 : undefined;
}

function statFields(path: string): string[] | undefined {
  try {
    return statFieldsOf(readFileSync(path, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds (user + system, every thread, those that have exited too) a running process has used so far, from its
 * /proc stat (10 ms ticks: for long spans; processCpuSeconds for short blocks); 0 without /proc (not Linux).
 */
export function cpuSeconds(pid: number | undefined): number {
  try {
    return pid ? statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8")) : 0;
  } catch {
    return 0;
  }
}

function schedstatOf(proc: string, pid: number, tid: number | string): number | undefined {
  try {
    return schedstatSeconds(readFileSync(`${proc}/${pid}/task/${tid}/schedstat`, "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * The CPU one thread of a running process has used so far (`tid` = `pid`: its main thread, where a Node process runs
 * JavaScript): its schedstat (ns), or its /proc stat (10 ms ticks) where the kernel has no schedstat; undefined
 * without either (not Linux, or no such thread). Only differences of two readings of the same clock mean anything.
 * `proc`: where procfs is (a made-up tree in the tests).
 */
export function threadCpu(pid: number, tid = pid, proc = "/proc"): CpuReading | undefined {
  const seconds = schedstatOf(proc, pid, tid);
  if (seconds !== undefined) {
    return { seconds, clock: "schedstat" };
  }
  try {
    return { seconds: statCpuSeconds(readFileSync(`${proc}/${pid}/task/${tid}/stat`, "utf8")), clock: "stat" };
  } catch {
    return undefined;
  }
}

/** CPU seconds one thread of a running process has used so far (see threadCpu); 0 without /proc. */
export function threadCpuSeconds(pid: number, tid = pid): number {
  return threadCpu(pid, tid)?.seconds ?? 0;
}

/**
 * The CPU a running process has used so far, every thread: the sum of its threads' schedstat (ns) over
 * /proc/<pid>/task, or its /proc stat (10 ms ticks) where its main thread has no schedstat; undefined without /proc.
 * The sum leaves out threads that have exited (their time is gone with their task; /proc stat keeps it): it is meant
 * for a server whose threads (main, workers, libuv's pool, V8's helpers) live as long as it does. `proc` as threadCpu.
 */
export function processCpu(pid: number | undefined, proc = "/proc"): CpuReading | undefined {
  if (!pid) {
    return undefined;
  }
  const main = schedstatOf(proc, pid, pid);
  if (main === undefined) {
    try {
      return { seconds: statCpuSeconds(readFileSync(`${proc}/${pid}/stat`, "utf8")), clock: "stat" };
    } catch {
      return undefined;
    }
  }
  let tids: string[] = [];
  try {
    tids = readdirSync(`${proc}/${pid}/task`);
  } catch {
    // gone since its main thread was read: that reading is all there is
  }
  let seconds = main;
  for (const tid of tids) {
    if (tid !== String(pid)) {
      seconds += schedstatOf(proc, pid, tid) ?? 0; // a thread that exited between the listing and its read: nothing
    }
  }
  return { seconds, clock: "schedstat" };
}

/** CPU seconds (every thread) a running process has used so far (see processCpu); 0 without /proc. */
export function processCpuSeconds(pid: number | undefined): number {
  return processCpu(pid)?.seconds ?? 0;
}

/** A running process's `Vm…:` figure in bytes (VmRSS: resident now, VmHWM: its peak); undefined without /proc. */
export function memoryBytes(pid: number, field: "VmRSS" | "VmHWM"): number | undefined {
  try {
    return statusBytes(readFileSync(`/proc/${pid}/status`, "utf8"), field);
  } catch {
    return undefined;
  }
}

/** CPU seconds of a process and its running children (PostgreSQL: the postmaster, its backends and workers). */
export function treeCpuSeconds(parent: number): number {
  let total = cpuSeconds(parent);
  let entries: string[] = [];
  try {
    entries = readdirSync("/proc").filter((e) => /^\d+$/.test(e));
  } catch {
    return total;
  }
  for (const entry of entries) {
    const fields = statFields(`/proc/${entry}/stat`);
    if (fields && Number(fields[1]) === parent) {
      total += (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    }
  }
  return total;
}
