import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

/** The claims each test account has at the provider (its `sub` is the account's key). */
export type ProviderAccounts = Record<string, Record<string, unknown>>;

/**
 * A real OpenID provider (oidc-provider) on 127.0.0.1 with one confidential client, for single sign-on tests: PKCE
 * required, the login form of its development interactions (any login name; consent granted without asking).
 */
export async function startOidcProvider(options: { redirectUri: string; accounts: ProviderAccounts }) {
  const server: Server = createServer();
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: "laurel",
        client_secret: "laurel-test-secret-laurel-test-secret",
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    findAccount: (_ctx, sub) => {
      const claims = options.accounts[sub];
      return claims ? { accountId: sub, claims: () => ({ sub, ...claims }) } : undefined;
    },
    // skip the consent screen: the test client is trusted for what it asks
    loadExistingGrant: async (ctx) => {
      const session = ctx.oidc.session;
      const client = ctx.oidc.client;
      if (!session?.accountId || !client) {
        return undefined;
      }
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
    features: { devInteractions: { enabled: true } },
    pkce: { required: () => true },
  });
  provider.on("server_error", (_ctx: unknown, error: Error) => console.error("oidc-provider", error));
  server.on("request", provider.callback());
  return {
    issuer,
    clientId: "laurel",
    clientSecret: "laurel-test-secret-laurel-test-secret",
    close: async () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * Plays the browser at the provider: follows its redirects (keeping its cookies), signs in as `login` on its login
 * form, and returns the address it finally sends the browser back to (the console's callback, not followed).
 */
export async function loginAtProvider(authorizationUrl: string, login: string, redirectUri: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ""] = line.split(";");
      const at = pair.indexOf("=");
      jar.set(pair.slice(0, at), pair.slice(at + 1));
    }
  };
  let url = new URL(authorizationUrl);
  for (let step = 0; step < 10; step++) {
    if (url.href.startsWith(redirectUri)) {
      return url;
    }
    let res = await fetch(url, { redirect: "manual", headers: { cookie: cookieHeader() } });
    keep(res);
    if (res.status === 200 && url.pathname.startsWith("/interaction/")) {
      const html = await res.text();
      const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1] ?? "login";
      res = await fetch(url, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: cookieHeader(), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ prompt, login, password: "any" }),
      });
      keep(res);
    }
    const location = res.headers.get("location");
    if (!location) {
      throw new Error(`the provider stopped at ${url.pathname} (${res.status}): ${await res.text()}`);
    }
    url = new URL(location, url);
  }
  throw new Error("the provider never sent the browser back");
}
