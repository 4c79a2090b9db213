import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createAccount, getPage, sessionCookieOf } from "../helpers/console.js";
import { makeTestApp, TEST_PUBLIC_URL, type TestApp } from "../helpers/make-app.js";
import { loginAtProvider, startOidcProvider } from "../helpers/oidc-provider.js";

const TECH = "GitLab Technical Certifications";
const CALLBACK = `${TEST_PUBLIC_URL}/console/sso/callback`;
const ROLES = {
  claims: {
    groups: {
      "ps-graders": [{ role: "grader", program: TECH, graderRole: "ps-engineer" }],
      "cert-admins": [{ role: "admin" }],
    },
  },
  domains: { "auditors.example": [{ role: "auditor" }] },
};

let provider: Awaited<ReturnType<typeof startOidcProvider>>;
let t: TestApp;

beforeAll(async () => {
  provider = await startOidcProvider({
    redirectUri: CALLBACK,
    accounts: {
      ada: { email: "Ada@Example.org", email_verified: true, name: "Ada Lovelace", groups: ["ps-graders", "staff"] },
      eve: { email: "eve@example.org", email_verified: true, name: "Eve", groups: ["staff"] },
      aud: { email: "carol@auditors.example", email_verified: true, name: "Carol" },
      unverified: { email: "mallory@example.org", email_verified: false, groups: ["cert-admins"] },
    },
  });
});
afterAll(async () => {
  await provider.close();
});
beforeEach(async () => {
  t = await makeTestApp({
    env: {
      LAUREL_OIDC_ISSUER: provider.issuer,
      LAUREL_OIDC_CLIENT_ID: provider.clientId,
      LAUREL_OIDC_CLIENT_SECRET: provider.clientSecret,
      LAUREL_OIDC_ROLES: JSON.stringify(ROLES),
    },
  });
});
afterEach(async () => {
  await t.close();
});

/** Starts single sign-on in the console: the provider's address and the browser's state cookie. */
async function start(): Promise<{ url: string; cookie: string }> {
  const res = await t.app.request("/console/sso/start");
  expect(res.status).toBe(303);
  const line = res.headers.getSetCookie().find((l) => l.startsWith("laurel_sso=")) ?? "";
  expect(line).toMatch(/HttpOnly/);
  expect(line).toMatch(/Path=\/console\/sso/);
  return { url: res.headers.get("location") ?? "", cookie: /^laurel_sso=([^;]*)/.exec(line)?.[1] ?? "" };
}

function callback(url: URL, cookie: string | undefined): Promise<Response> {
  return Promise.resolve(
    t.app.request(`${url.pathname}${url.search}`, { headers: cookie ? { cookie: `laurel_sso=${cookie}` } : {} }),
  );
}

describe("single sign-on (OpenID Connect, against oidc-provider on loopback)", () => {
  it("sends the browser to the provider with the authorization code flow, PKCE (S256), state and nonce", async () => {
    const { url } = await start();
    const auth = new URL(url);
    expect(auth.origin).toBe(provider.issuer);
    expect(auth.searchParams.get("response_type")).toBe("code");
    expect(auth.searchParams.get("code_challenge_method")).toBe("S256");
    expect(auth.searchParams.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(auth.searchParams.get("state")).toBeTruthy();
    expect(auth.searchParams.get("nonce")).toBeTruthy();
    expect(auth.searchParams.get("redirect_uri")).toBe(CALLBACK);
  });

  it("signs a new person in with the role their group claim maps to, and refreshes it on the next sign-in", async () => {
    const first = await start();
    const back = await loginAtProvider(first.url, "ada", CALLBACK);
    const res = await callback(back, first.cookie);
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toBe("/console");
    const session = sessionCookieOf(res);
    const home = await (await getPage(t, "/console", session)).text();
    expect(home).toContain("Welcome, Ada Lovelace");
    expect(home).toContain(`Grader for ${TECH}, grading as ps-engineer`);
    expect(home).toContain("Signed in through single sign-on");
    expect((await getPage(t, "/console/audit", session)).status).toBe(403);

    const second = await start();
    const again = await callback(await loginAtProvider(second.url, "ada", CALLBACK), second.cookie);
    expect(again.status).toBe(303);
    const audit = await t.app.request("/admin/audit?action=user.signed-in", {
      headers: { authorization: `Bearer ${t.adminToken}` },
    });
    const items = ((await audit.json()) as { items: { details: { via: string } }[] }).items;
    expect(items.map((i) => i.details.via)).toEqual(["sso", "sso"]);
  });

  it("maps an email domain to a role", async () => {
    const { url, cookie } = await start();
    const res = await callback(await loginAtProvider(url, "aud", CALLBACK), cookie);
    const session = sessionCookieOf(res);
    expect((await getPage(t, "/console/audit", session)).status).toBe(200);
  });

  it("refuses someone the mapping gives no role, and an unverified email", async () => {
    for (const login of ["eve", "unverified"]) {
      const { url, cookie } = await start();
      const res = await callback(await loginAtProvider(url, login, CALLBACK), cookie);
      expect(res.status, login).toBe(401);
      expect(sessionCookieOf(res)).toBeUndefined();
    }
  });

  it("lets an account an administrator created sign in by SSO, keeping its grants when the mapping gives none", async () => {
    await createAccount(t, { email: "eve@example.org", role: "auditor" });
    const { url, cookie } = await start();
    const res = await callback(await loginAtProvider(url, "eve", CALLBACK), cookie);
    expect(res.status).toBe(303);
    expect((await getPage(t, "/console/audit", sessionCookieOf(res))).status).toBe(200);
  });

  it("refuses a tampered state, a state from another browser, and a used one", async () => {
    const { url, cookie } = await start();
    const back = await loginAtProvider(url, "ada", CALLBACK);
    const tampered = new URL(back);
    tampered.searchParams.set("state", `${back.searchParams.get("state")}x`);
    expect((await callback(tampered, cookie)).status).toBe(401);
    expect((await callback(back, undefined)).status).toBe(401);
    const other = await start();
    expect((await callback(back, other.cookie)).status).toBe(401);
    const ok = await callback(back, cookie);
    expect(ok.status).toBe(303);
    const replay = await callback(back, cookie);
    expect(replay.status).toBe(401);
    expect(await replay.text()).toContain("expired or was used already");
  });

  it("refuses an ID token whose nonce is not the one sent (a tampered nonce)", async () => {
    const { url, cookie } = await start();
    const auth = new URL(url);
    auth.searchParams.set("nonce", "a-nonce-the-console-never-sent");
    const back = await loginAtProvider(auth.href, "ada", CALLBACK);
    const res = await callback(back, cookie);
    expect(res.status).toBe(401);
    expect(await res.text()).toContain("did not check out");
    expect(sessionCookieOf(res)).toBeUndefined();
  });
});
