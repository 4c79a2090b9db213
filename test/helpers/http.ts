import type { TestApp } from "./make-app.js";

export const issueRequest = (overrides: Record<string, unknown> = {}) => ({
  achievementId: "gitlab-certified-associate",
  recipient: { email: "ada@example.org", name: "Ada Lovelace" },
  ...overrides,
});

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}`, "content-type": "application/json" };
}

/** POSTs JSON with the test admin key. */
export function adminPost(t: TestApp, path: string, body: unknown, token = t.adminToken): Promise<Response> {
  return Promise.resolve(
    t.app.request(path, {
      method: "POST",
      headers: bearer(token),
      body: typeof body === "string" ? body : JSON.stringify(body),
    }),
  );
}

export function adminGet(t: TestApp, path: string, token = t.adminToken): Promise<Response> {
  return Promise.resolve(t.app.request(path, { headers: { authorization: `Bearer ${token}` } }));
}

/** Issues a credential through the API and returns the admin view (asserting 201). */
export async function issue(t: TestApp, overrides: Record<string, unknown> = {}) {
  const res = await adminPost(t, "/admin/credentials", issueRequest(overrides));
  if (res.status !== 201) {
    throw new Error(`issue failed: ${res.status} ${await res.text()}`);
  }
  return (await res.json()) as {
    id: string;
    url: string;
    credential: Record<string, any>;
    jwt: string;
    validUntil: string | null;
    [key: string]: unknown;
  };
}

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: Array<{ path: string; message: string }>;
};

/** Asserts the problem+json content type and returns the parsed body. */
export async function readProblem(res: Response): Promise<Problem> {
  const type = res.headers.get("content-type") ?? "";
  if (!type.startsWith("application/problem+json")) {
    throw new Error(`expected application/problem+json, got ${type}: ${await res.text()}`);
  }
  return (await res.json()) as Problem;
}
