import type { Role } from "../../src/domain/access.js";
import { createUser } from "../../src/services/users.js";
import type { TestApp } from "./make-app.js";

export const TEST_PASSWORD = "a long enough test password";

/** Creates a console account with one grant and a chosen password (no password to change). */
export async function createAccount(
  t: TestApp,
  input: { email: string; role: Role; program?: string; graderRole?: string; password?: string },
) {
  const { user } = await createUser(t.ctx, {
    email: input.email,
    name: input.email.split("@")[0] ?? input.email,
    grants: [{ role: input.role, program: input.program ?? null, graderRole: input.graderRole ?? null }],
    password: { given: input.password ?? TEST_PASSWORD },
    actor: "test",
  });
  return user;
}

/** The `laurel_session` value a response sets (undefined when it sets none). */
export function sessionCookieOf(res: Response): string | undefined {
  const header = res.headers.getSetCookie().find((line) => line.startsWith("laurel_session="));
  return header ? /^laurel_session=([^;]*)/.exec(header)?.[1] : undefined;
}

/** Posts a console form (urlencoded), as a browser on the console's own pages would. */
export async function postForm(
  t: TestApp,
  path: string,
  fields: Record<string, string | string[]>,
  options: { cookie?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  const body = new URLSearchParams();
  for (const [key, value] of Object.entries(fields)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      body.append(key, v);
    }
  }
  return t.app.request(path, {
    method: "POST",
    body,
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      origin: t.ctx.config.publicUrl,
      "sec-fetch-site": "same-origin",
      ...(options.cookie ? { cookie: `laurel_session=${options.cookie}` } : {}),
      ...options.headers,
    },
  });
}

/** A console page read with a session cookie. */
export async function getPage(t: TestApp, path: string, cookie?: string): Promise<Response> {
  return t.app.request(path, { headers: cookie ? { cookie: `laurel_session=${cookie}` } : {} });
}

/** The CSRF token of a console page's forms. */
export function csrfOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (!token) {
    throw new Error("no CSRF token on the page");
  }
  return token;
}

/** Signs in through the sign-in form: the session cookie and the CSRF token of its pages. */
export async function signIn(t: TestApp, email: string, password = TEST_PASSWORD) {
  const res = await postForm(t, "/console/sign-in", { email, password });
  const cookie = sessionCookieOf(res);
  if (res.status !== 303 || !cookie) {
    throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  }
  const page = await getPage(t, "/console", cookie);
  return { cookie, csrf: csrfOf(await page.text()), location: res.headers.get("location") };
}
