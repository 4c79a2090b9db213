import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  cpuSeconds,
  memoryBytes,
  processCpu,
  processCpuSeconds,
  schedstatSeconds,
  statCpuSeconds,
  statFieldsOf,
  statusBytes,
  threadCpu,
  threadCpuSeconds,
} from "../helpers/process-cpu.js";

// proc(5): pid (comm) state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime cutime …
const line = (comm: string, utime: number, stime: number) =>
  `4242 (${comm}) S 1 4242 4242 0 -1 4194560 1200 0 3 0 ${utime} ${stime} 7 9 20 0 11 0 2892807 1197539328 40000\n`;

describe("/proc stat lines", () => {
  it("reads utime + stime in seconds (USER_HZ 100), not the children's cutime/cstime", () => {
    expect(statCpuSeconds(line("node", 250, 75))).toBe(3.25);
  });

  it("cuts the command name at its last parenthesis: a name may hold spaces and parentheses", () => {
    expect(statCpuSeconds(line("node (tsx) ) x", 1, 2))).toBe(0.03);
    expect(statFieldsOf(line("a b) c", 1, 2))[0]).toBe("S");
    expect(statFieldsOf(line("a b) c", 1, 2))[1]).toBe("1");
  });

  it("refuses a line that is not a stat line", () => {
    expect(() => statCpuSeconds("no name here")).toThrow(/not a \/proc stat line/);
    expect(() => statCpuSeconds("1 (x) S 1")).toThrow(/no utime/);
  });
});

describe("/proc schedstat texts", () => {
  it("reads the time on the CPU in nanoseconds, not the time waiting on a runqueue nor the timeslices", () => {
    expect(schedstatSeconds("38380978 167959783 106\n")).toBe(0.038380978);
    expect(schedstatSeconds("2500000000 9 1")).toBe(2.5);
  });

  it("refuses a text that is not a schedstat text (a stat line, a word, nothing)", () => {
    expect(() => schedstatSeconds(line("node", 1, 2))).toThrow(/not a \/proc schedstat text/);
    expect(() => schedstatSeconds("runtime 1 2")).toThrow(/not a \/proc schedstat text/);
    expect(() => schedstatSeconds("")).toThrow(/not a \/proc schedstat text/);
  });
});

describe("a made-up /proc tree", () => {
  let root = "";
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  /**
   * Process 4242 with its stat line (utime 250 + stime 75 ticks) and its tasks, each with a stat line of 1 + 1 ticks
   * and the schedstat text given (none when undefined).
   */
  function procTree(tasks: Record<string, string | undefined>): string {
    root = mkdtempSync(join(tmpdir(), "laurel-proc-"));
    mkdirSync(join(root, "4242"));
    writeFileSync(join(root, "4242", "stat"), line("node", 250, 75));
    for (const [tid, schedstat] of Object.entries(tasks)) {
      mkdirSync(join(root, "4242", "task", tid), { recursive: true });
      writeFileSync(join(root, "4242", "task", tid, "stat"), line("node", 1, 1));
      if (schedstat !== undefined) {
        writeFileSync(join(root, "4242", "task", tid, "schedstat"), schedstat);
      }
    }
    return root;
  }

  it("sums the schedstat of every task for the process; a thread is its own task's", () => {
    const proc = procTree({ "4242": "1500000000 7 3\n", "4243": "250000000 8 2\n", "4250": "1000 9 1\n" });
    expect(processCpu(4242, proc)).toEqual({ seconds: 1.750001, clock: "schedstat" });
    expect(threadCpu(4242, 4242, proc)).toEqual({ seconds: 1.5, clock: "schedstat" });
    expect(threadCpu(4242, 4243, proc)).toEqual({ seconds: 0.25, clock: "schedstat" });
  });

  it("counts nothing for a task whose schedstat is gone (a thread that exited between the listing and the read)", () => {
    const proc = procTree({ "4242": "1500000000 7 3\n", "4243": undefined });
    expect(processCpu(4242, proc)).toEqual({ seconds: 1.5, clock: "schedstat" });
  });

  it("falls back to /proc stat's ticks where the kernel gives no schedstat, and says so", () => {
    const proc = procTree({ "4242": undefined, "4243": undefined });
    expect(processCpu(4242, proc)).toEqual({ seconds: 3.25, clock: "stat" });
    expect(threadCpu(4242, 4243, proc)).toEqual({ seconds: 0.02, clock: "stat" });
  });

  it("has no reading for a process or a thread that is not there", () => {
    const proc = procTree({ "4242": "1 2 3\n" });
    expect(processCpu(4243, proc)).toBeUndefined();
    expect(processCpu(undefined, proc)).toBeUndefined();
    expect(threadCpu(4242, 4299, proc)).toBeUndefined();
  });
});

describe("/proc status figures", () => {
  const status = "Name:\tnode\nVmPeak:\t 1300000 kB\nVmHWM:\t  317000 kB\nVmRSS:\t  290123 kB\nRssAnon:\t 1 kB\n";

  it("reads VmRSS and VmHWM in bytes, each from its own line", () => {
    expect(statusBytes(status, "VmRSS")).toBe(290_123 * 1024);
    expect(statusBytes(status, "VmHWM")).toBe(317_000 * 1024);
  });

  it("says undefined for a figure the text lacks (a kernel thread has no VmRSS)", () => {
    expect(statusBytes("Name:\tkthreadd\nState:\tS\n", "VmRSS")).toBeUndefined();
  });
});

describe("a process that is not there", () => {
  it("has used 0 s of CPU and no memory figure (no pid, or a pid above Linux's pid_max)", () => {
    expect(cpuSeconds(undefined)).toBe(0);
    expect(cpuSeconds(2 ** 23)).toBe(0);
    expect(threadCpuSeconds(2 ** 23)).toBe(0);
    expect(processCpuSeconds(undefined)).toBe(0);
    expect(processCpuSeconds(2 ** 23)).toBe(0);
    expect(memoryBytes(2 ** 23, "VmRSS")).toBeUndefined();
  });
});

describe.skipIf(!existsSync("/proc/self/stat"))("this process, read from /proc", () => {
  it("its main thread's CPU is part of the whole process's, read after it (both from /proc stat)", () => {
    // (threadCpuSeconds reads schedstat where there is one: in ns, where stat is floored to 10 ms ticks, so a main
    // thread's exact figure may exceed the process's floored one; the two clocks are compared each with itself)
    const main = statCpuSeconds(readFileSync(`/proc/self/task/${process.pid}/stat`, "utf8"));
    const all = cpuSeconds(process.pid);
    expect(main).toBeGreaterThan(0);
    expect(all).toBeGreaterThanOrEqual(main);
  });

  it.skipIf(!existsSync(`/proc/self/task/${process.pid}/schedstat`))(
    "reads the scheduler's runtime: its main thread's is part of the process's sum, and does not run backwards",
    () => {
      const main = threadCpu(process.pid);
      const all = processCpu(process.pid);
      expect(main?.clock).toBe("schedstat");
      expect(all?.clock).toBe("schedstat");
      expect(main?.seconds).toBeGreaterThan(0);
      expect(all?.seconds).toBeGreaterThanOrEqual(main?.seconds ?? Number.POSITIVE_INFINITY);
      // (a thread's runtime never decreases; the process's sum may, when one of its threads exits, so it is not read
      // twice here)
      expect(threadCpuSeconds(process.pid)).toBeGreaterThanOrEqual(main?.seconds ?? Number.POSITIVE_INFINITY);
    },
  );

  it("its resident size now is at most its peak, read after it", () => {
    const rss = memoryBytes(process.pid, "VmRSS") ?? Number.NaN;
    const peak = memoryBytes(process.pid, "VmHWM") ?? Number.NaN;
    expect(rss).toBeGreaterThan(0);
    expect(peak).toBeGreaterThanOrEqual(rss);
  });
});
