import { writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";

/** What the inspector's CPU profiler returns (the fields the reports read). */
export type CpuProfile = {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  samples: number[];
  timeDeltas: number[];
};

/**
 * The functions with the most self time in a profile, one printed line each (`  12.3 %  name file:line`), and the
 * time sampled in all (µs). Paths are shortened to the package or to `src/`.
 */
export function topSelfTime(profile: CpuProfile, n = 15): { lines: string[]; totalUs: number } {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let totalUs = 0;
  for (const [i, id] of profile.samples.entries()) {
    const node = byId.get(id);
    const dt = profile.timeDeltas[i] ?? 0;
    totalUs += dt;
    if (!node) {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/src\//, "src/");
    const key = `${functionName || "(anonymous)"} ${where ? `${where}:${lineNumber + 1}` : ""}`.trim();
    self.set(key, (self.get(key) ?? 0) + dt);
  }
  const lines = [...self]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([key, us]) => `  ${((us / totalUs) * 100).toFixed(1).padStart(5)} %  ${key}`);
  return { lines, totalUs };
}

/**
 * Profiles a measured window of this thread through the inspector (sampling every `intervalUs`), or only measures it
 * when `enabled` is false (PROFILE=0): `stop` ends the window and returns the profile (undefined when not profiling),
 * written to `out` when given.
 */
export async function startProfiler(
  options: { enabled?: boolean; intervalUs?: number } = {},
): Promise<{ stop: (out?: string) => Promise<CpuProfile | undefined> }> {
  if (options.enabled === false) {
    return { stop: async () => undefined };
  }
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  if (options.intervalUs !== undefined) {
    await session.post("Profiler.setSamplingInterval", { interval: options.intervalUs });
  }
  await session.post("Profiler.start");
  return {
    stop: async (out) => {
      const { profile } = await session.post("Profiler.stop");
      session.disconnect();
      if (out !== undefined) {
        writeFileSync(out, JSON.stringify(profile));
      }
      return profile as unknown as CpuProfile;
    },
  };
}
