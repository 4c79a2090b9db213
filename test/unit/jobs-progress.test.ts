import { describe, expect, it } from "vitest";
import {
  duration,
  estimate,
  type JobProgress,
  plainLineDue,
  progressBar,
  progressLine,
} from "../../src/domain/jobs/progress.js";

const p = (done: number, extra: Partial<JobProgress> = {}): JobProgress => ({
  status: "running",
  total: 10_000,
  done,
  failed: 0,
  skipped: 0,
  ...extra,
});

describe("job progress rendering", () => {
  it("estimates the rate over the recent readings and the time left at that rate", () => {
    expect(estimate([], 100)).toEqual({ rate: null, etaSeconds: null });
    expect(estimate([{ at: 0, settled: 0 }], 100)).toEqual({ rate: null, etaSeconds: null });
    // 500 rows in the last 10 s (the first reading is older than the window)
    const samples = [
      { at: 0, settled: 0 },
      { at: 20_000, settled: 4_000 },
      { at: 25_000, settled: 4_250 },
      { at: 30_000, settled: 4_500 },
    ];
    expect(estimate(samples, 10_000)).toEqual({ rate: 50, etaSeconds: 110 });
    expect(
      estimate(
        [
          { at: 0, settled: 5 },
          { at: 1000, settled: 5 },
        ],
        10,
      ),
    ).toEqual({ rate: 0, etaSeconds: null });
  });

  it("draws a bar with percent, counts, rate and ETA, cut to the terminal's width", () => {
    const line = progressBar(p(4_400, { failed: 100, skipped: 0 }), { rate: 350, etaSeconds: 16 }, 100);
    expect(line).toBe("[##############----------------]  45%  4,500/10,000  350 rows/s  ETA 0:16 (100 failed)");
    expect(progressBar(p(0), { rate: null, etaSeconds: null }, 60)).toBe(
      "[----------]   0%  0/10,000  – rows/s  ETA –",
    );
    expect(progressBar(p(10_000), { rate: 1234.4, etaSeconds: 0 }, 40)).toHaveLength(40);
    expect(progressBar(p(10_000, { skipped: 5 }), { rate: 1, etaSeconds: 0 }, 200)).toContain("100%");
  });

  it("writes plain lines without control characters, at each tenth, on a status change, or every few seconds", () => {
    const line = progressLine("j-1", p(2_000, { failed: 3, skipped: 2 }), { rate: 400.4, etaSeconds: 3725 });
    expect(line).toBe("job j-1 running: 2,005/10,000 rows (2,000 done, 3 failed, 2 skipped), 400 rows/s, ETA 1:02:05");
    expect([...line].every((ch) => ch >= " ")).toBe(true);
    expect(plainLineDue(undefined, p(0), 0)).toBe(true);
    expect(plainLineDue({ progress: p(100), at: 0 }, p(200), 1_000)).toBe(false);
    expect(plainLineDue({ progress: p(100), at: 0 }, p(200), 5_000)).toBe(true);
    expect(plainLineDue({ progress: p(900), at: 0 }, p(1_000), 1)).toBe(true);
    expect(plainLineDue({ progress: p(200), at: 0 }, p(200), 60_000)).toBe(false);
    expect(plainLineDue({ progress: p(200), at: 0 }, p(200, { status: "done" }), 1)).toBe(true);
    expect(duration(59.6)).toBe("1:00");
  });
});
