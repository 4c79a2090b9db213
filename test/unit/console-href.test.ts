import { describe, expect, it } from "vitest";
import { consoleHref } from "../../src/http/pages/console/href.js";

/** The address as URLSearchParams writes its query (what consoleHref wrote before its plain values were written as they are). */
function hrefAsBefore(path: string, params: Record<string, string | number | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") {
      query.set(key, String(value));
    }
  }
  const text = query.toString();
  return text ? `${path}?${text}` : path;
}

describe("console page addresses", () => {
  it("writes the query URLSearchParams writes, for plain values and any other", () => {
    const values = [
      "gitlab-certified-associate",
      "active",
      "eyJhIjoxfQ_-",
      "a*b.c_d-e",
      "ada@example.org",
      "Ada Lovelace",
      "a+b",
      "x&y=z",
      "~tilde!'()",
      "Zoë “Ünïcode” 漢字 😀",
      "lone \ud800 surrogate",
      "100%",
      "#hash?q",
      0,
      42,
      "",
      undefined,
    ];
    for (const a of values) {
      for (const b of values) {
        const params = { achievementId: a, state: "active", email: b, cursor: undefined };
        expect(consoleHref("/console/credentials", params)).toBe(hrefAsBefore("/console/credentials", params));
      }
    }
    expect(consoleHref("/console/people", {})).toBe("/console/people");
    expect(consoleHref("/console/people", { q: "", cursor: undefined })).toBe("/console/people");
    expect(consoleHref("/console/people", { "a b": "c" })).toBe(hrefAsBefore("/console/people", { "a b": "c" }));
  });
});
