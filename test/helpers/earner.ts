import { runDelivery } from "../../src/services/delivery.js";
import { deliveryChannels } from "../../src/services/delivery-channels.js";
import { adminGet } from "./http.js";
import type { TestApp } from "./make-app.js";

/** The `laurel_earner` value a response sets (undefined when it sets none). */
export function earnerCookieOf(res: Response): string | undefined {
  const header = res.headers.getSetCookie().find((line) => line.startsWith("laurel_earner="));
  const value = header ? /^laurel_earner=([^;]*)/.exec(header)?.[1] : undefined;
  return value || undefined;
}

/** Posts a form of the earner space (urlencoded), as a browser on our own pages would. */
export function postEarnerForm(
  t: TestApp,
  path: string,
  fields: Record<string, string>,
  options: { cookie?: string; headers?: Record<string, string> } = {},
): Promise<Response> {
  return Promise.resolve(
    t.app.request(path, {
      method: "POST",
      body: new URLSearchParams(fields),
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: t.ctx.config.publicUrl,
        "sec-fetch-site": "same-origin",
        ...(options.cookie ? { cookie: `laurel_earner=${options.cookie}` } : {}),
        ...options.headers,
      },
    }),
  );
}

export function getEarnerPage(t: TestApp, path: string, cookie?: string): Promise<Response> {
  return Promise.resolve(t.app.request(path, { headers: cookie ? { cookie: `laurel_earner=${cookie}` } : {} }));
}

type MailView = { kind: string; to: string; subject: string; text: string; html: string };

/** Runs the delivery loop, then returns the sign-in messages in the local mail outbox. */
export async function signInMails(t: TestApp): Promise<MailView[]> {
  await runDelivery(t.ctx, deliveryChannels(t.ctx));
  const res = await adminGet(t, "/admin/mail");
  const items = ((await res.json()) as { items: MailView[] }).items;
  return items.filter((m) => m.kind === "sign-in");
}

/** The link token in a sign-in message's text. */
export function linkTokenOf(mail: MailView): string {
  const token = /\/me\/sign-in\/([A-Za-z0-9_-]{43})/.exec(mail.text)?.[1];
  if (!token) {
    throw new Error("no sign-in link in the message");
  }
  return token;
}

/** Asks for a link, delivers it, follows it: the session cookie and the CSRF token of /me. */
export async function earnerSignIn(t: TestApp, email: string): Promise<{ cookie: string; csrf: string }> {
  const seen = new Set((await signInMails(t)).map(linkTokenOf));
  await postEarnerForm(t, "/me/sign-in", { email });
  const mail = (await signInMails(t)).find((m) => m.to === email && !seen.has(linkTokenOf(m)));
  if (!mail) {
    throw new Error("no sign-in message");
  }
  const res = await postEarnerForm(t, `/me/sign-in/${linkTokenOf(mail)}`, {});
  const cookie = earnerCookieOf(res);
  if (res.status !== 303 || !cookie) {
    throw new Error(`sign-in failed: ${res.status}`);
  }
  const page = await (await getEarnerPage(t, "/me", cookie)).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1];
  if (!csrf) {
    throw new Error("no CSRF token on /me");
  }
  return { cookie, csrf };
}
