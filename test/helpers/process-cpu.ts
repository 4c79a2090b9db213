import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = 100; // Linux USER_HZ: /proc times are in 1/100 s

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

/** CPU seconds (user + system, every thread) a running process has used so far; 0 without /proc (not Linux). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    return pid ? statCpuSeconds(readFileSync(`/proc/${pid}/stat`, "utf8")) : 0;
  } catch {
    return 0;
  }
}

/**
 * CPU seconds one thread of a running process has used so far (`tid` = `pid`: its main thread, where a Node process
 * runs JavaScript); 0 without /proc.
 */
export function threadCpuSeconds(pid: number, tid = pid): number {
  try {
    return statCpuSeconds(readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8"));
  } catch {
    return 0;
  }
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
