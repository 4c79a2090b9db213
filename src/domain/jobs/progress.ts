/**
 * How a bulk job's progress is shown (issue 17): a bar with the rate and the time left on a terminal, plain lines
 * otherwise (a log, a pipe, CI). Pure: the CLI hands it the counts and the clock's readings.
 */

export type JobProgress = {
  status: string;
  total: number;
  done: number;
  failed: number;
  skipped: number;
};

/** Rows settled (done, failed or skipped). */
export function settled(p: JobProgress): number {
  return p.done + p.failed + p.skipped;
}

/** One reading of the counts, at a time in milliseconds. */
export type Sample = { at: number; settled: number };

/**
 * Rows per second over the recent readings (the last `windowMs`, at least two readings apart), and the seconds left at
 * that rate; null while there is not enough to say.
 */
export function estimate(
  samples: readonly Sample[],
  total: number,
  windowMs = 10_000,
): { rate: number | null; etaSeconds: number | null } {
  const last = samples.at(-1);
  if (!last) {
    return { rate: null, etaSeconds: null };
  }
  const first = samples.find((s) => s.at >= last.at - windowMs && s.at < last.at) ?? samples[0];
  if (!first || last.at <= first.at) {
    return { rate: null, etaSeconds: null };
  }
  const rate = ((last.settled - first.settled) * 1000) / (last.at - first.at);
  if (rate <= 0) {
    return { rate: 0, etaSeconds: null };
  }
  return { rate, etaSeconds: Math.max(0, total - last.settled) / rate };
}

/** 10,000 */
export function count(n: number): string {
  return Math.round(n).toLocaleString("en");
}

/** 0:42, 12:05, 1:02:03 */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

function rateText(rate: number | null): string {
  return rate === null ? "– rows/s" : `${count(rate)} rows/s`;
}

function etaText(etaSeconds: number | null): string {
  return etaSeconds === null ? "ETA –" : `ETA ${duration(etaSeconds)}`;
}

function tail(p: JobProgress): string {
  const parts = [
    ...(p.failed > 0 ? [`${count(p.failed)} failed`] : []),
    ...(p.skipped > 0 ? [`${count(p.skipped)} skipped`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(", ")})` : "";
}

/**
 * The terminal's line (redrawn in place): `[#########-----------]  45%  4,500/10,000  350 rows/s  ETA 0:16 (3 failed)`,
 * cut to `columns` characters.
 */
export function progressBar(
  p: JobProgress,
  speed: { rate: number | null; etaSeconds: number | null },
  columns = 80,
): string {
  const fraction = p.total > 0 ? Math.min(1, settled(p) / p.total) : 1;
  const width = Math.max(10, Math.min(30, columns - 50));
  const filled = Math.round(fraction * width);
  const bar = `[${"#".repeat(filled)}${"-".repeat(width - filled)}]`;
  const percent = `${String(Math.floor(fraction * 100)).padStart(3)}%`;
  const line = `${bar} ${percent}  ${count(settled(p))}/${count(p.total)}  ${rateText(speed.rate)}  ${etaText(speed.etaSeconds)}${tail(p)}`;
  return line.length > columns ? line.slice(0, columns) : line;
}

/** A plain line (no control characters), for output that is not a terminal. */
export function progressLine(
  jobId: string,
  p: JobProgress,
  speed: { rate: number | null; etaSeconds: number | null },
): string {
  return `job ${jobId} ${p.status}: ${count(settled(p))}/${count(p.total)} rows (${count(p.done)} done, ${count(p.failed)} failed, ${count(p.skipped)} skipped), ${rateText(speed.rate)}, ${etaText(speed.etaSeconds)}`;
}

/**
 * Whether a plain line is due: on a change of status, at every tenth of the job, and otherwise at most every
 * `everyMs` while rows move (so a log shows life without a line per row).
 */
export function plainLineDue(
  previous: { progress: JobProgress; at: number } | undefined,
  next: JobProgress,
  now: number,
  everyMs = 5_000,
): boolean {
  if (!previous) {
    return true;
  }
  const before = previous.progress;
  if (before.status !== next.status) {
    return true;
  }
  const tenth = (p: JobProgress) => (p.total > 0 ? Math.floor((settled(p) * 10) / p.total) : 10);
  if (tenth(next) !== tenth(before)) {
    return true;
  }
  return settled(next) !== settled(before) && now - previous.at >= everyMs;
}
