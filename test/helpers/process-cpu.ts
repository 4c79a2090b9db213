import { readdirSync, readFileSync } from "node:fs";

const CLK_TCK = 100; // Linux USER_HZ: /proc times are in 1/100 s

function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  } catch {
    return undefined;
  }
}

/** CPU seconds (user + system, every thread) a running process has used so far; 0 without /proc (not Linux). */
export function cpuSeconds(pid: number | undefined): number {
  const fields = pid ? statFields(pid) : undefined;
  return fields ? (Number(fields[11]) + Number(fields[12])) / CLK_TCK : 0;
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
    const fields = statFields(Number(entry));
    if (fields && Number(fields[1]) === parent) {
      total += (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
    }
  }
  return total;
}
