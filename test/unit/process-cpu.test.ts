import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  cpuSeconds,
  memoryBytes,
  statCpuSeconds,
  statFieldsOf,
  statusBytes,
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
    expect(memoryBytes(2 ** 23, "VmRSS")).toBeUndefined();
  });
});

describe.skipIf(!existsSync("/proc/self/stat"))("this process, read from /proc", () => {
  it("its main thread's CPU is part of the whole process's, read after it", () => {
    const main = threadCpuSeconds(process.pid);
    const all = cpuSeconds(process.pid);
    expect(main).toBeGreaterThan(0);
    expect(all).toBeGreaterThanOrEqual(main);
  });

  it("its resident size now is at most its peak, read after it", () => {
    const rss = memoryBytes(process.pid, "VmRSS") ?? Number.NaN;
    const peak = memoryBytes(process.pid, "VmHWM") ?? Number.NaN;
    expect(rss).toBeGreaterThan(0);
    expect(peak).toBeGreaterThanOrEqual(rss);
  });
});
