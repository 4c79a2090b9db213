import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startClusterJobs } from "../../src/services/cluster-jobs.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(() => t.close());

describe("periodic work on one node (SQLite)", () => {
  it("runs each job at once, then once per period, under its lease", async () => {
    const runs: boolean[] = [];
    const jobs = startClusterJobs(
      t.ctx,
      [
        {
          name: "test-job",
          everyMs: 60_000,
          run: async (first) => {
            runs.push(first);
          },
        },
      ],
      { timer: false },
    );
    await jobs.tick();
    await jobs.tick();
    expect(runs).toEqual([true]);
    for (let step = 0; step < 3; step++) {
      t.clock.advance(20_000);
      await jobs.tick();
    }
    expect(runs).toEqual([true, false]);
    expect(await countRows(t.store, "leases")).toBe(1);
    await jobs.stop();
    expect(await countRows(t.store, "leases")).toBe(0);
  });

  it("a stop does not wait past its bound for a run that does not end; the lease is released all the same", async () => {
    let started: () => void = () => undefined;
    const running = new Promise<void>((resolve) => {
      started = resolve;
    });
    const jobs = startClusterJobs(
      t.ctx,
      [
        {
          name: "stuck-job",
          everyMs: 60_000,
          run: () => {
            started();
            return new Promise<void>(() => undefined); // never ends
          },
        },
      ],
      { timer: false },
    );
    void jobs.tick();
    await running;
    await jobs.stop({ waitMs: 0 });
    expect(await countRows(t.store, "leases")).toBe(0);
    const warning = t.logLines.find((l) => l.includes("periodic work still running when stopped"));
    expect(JSON.parse(warning ?? "{}")).toMatchObject({ level: "warn", jobs: "stuck-job" });
  });
});
