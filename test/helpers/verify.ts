import { readFileSync } from "node:fs";
import { expect } from "vitest";
import { RemoteFetchError } from "../../src/verify/environment.js";
import type { TestApp } from "./make-app.js";

export type Report = {
  verdict: string;
  format?: string;
  checks: Array<{ id: string; outcome: string; title: string; message: string; code?: string }>;
  display?: Record<string, any>;
  credential?: Record<string, any>;
  checkedAt: string;
};

export const interopFixture = (name: string) => readFileSync(`../shared/fixtures/interop/${name}`);

/** The verifier's network in tests: documents answered from a map, every other address refused (and recorded). */
export function documentsFetch(documents: Record<string, unknown>) {
  const requested: string[] = [];
  const fetchRemote = async (url: string) => {
    requested.push(url);
    const found = documents[url];
    if (found === undefined) {
      throw new RemoteFetchError("not served in this test");
    }
    return typeof found === "string" ? found : JSON.stringify(found);
  };
  return { fetchRemote, requested };
}

/** POSTs JSON to /api/verify and returns the report (asserting 200). */
export async function verifyJson(t: TestApp, body: unknown): Promise<Report> {
  const res = await t.app.request("/api/verify", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
}

/** Uploads a file to /api/verify as multipart/form-data and returns the report (asserting 200). */
export async function verifyUpload(t: TestApp, bytes: Uint8Array, name: string, type = ""): Promise<Report> {
  const form = new FormData();
  form.set("file", new File([bytes], name, { type }));
  const res = await t.app.request("/api/verify", { method: "POST", body: form });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as Report;
}

export const checkOf = (report: Report, id: string) => report.checks.find((c) => c.id === id);
export const outcomes = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.id, c.outcome]));
