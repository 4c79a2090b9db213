import { describe, expect, it } from "vitest";
import { withFetchBudget } from "../../src/verify/remote.js";

describe("a verification's network budget", () => {
  it("reads each address once, refuses past the count, and stops at the deadline", async () => {
    const calls: string[] = [];
    let clock = 0;
    const fetchRemote = withFetchBudget(
      async (url) => {
        calls.push(url);
        return url;
      },
      { maxFetches: 2, deadlineMs: 1_000 },
      () => clock,
    );
    expect(await fetchRemote("https://a.example/1")).toBe("https://a.example/1");
    expect(await fetchRemote("https://a.example/1")).toBe("https://a.example/1");
    expect(await fetchRemote("https://a.example/2")).toBe("https://a.example/2");
    await expect(fetchRemote("https://a.example/3")).rejects.toThrow(/already read 2/);
    expect(calls).toEqual(["https://a.example/1", "https://a.example/2"]);
    const late = withFetchBudget(
      async (url) => url,
      { maxFetches: 5, deadlineMs: 1_000 },
      () => clock,
    );
    clock = 2_000;
    await expect(late("https://a.example/4")).rejects.toThrow(/ran out of time/);
  });
});
