import { lookup as dnsLookup } from "node:dns/promises";
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest, type RequestOptions } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { type FetchRemote, RemoteFetchError } from "./environment.js";

/** Refused by the policy (not https, a private address, credentials in the URL): trying again changes nothing. */
export class RemoteRefusedError extends RemoteFetchError {
  override name = "RemoteRefusedError";
}

/** Addresses a public verifier must never reach on a visitor's behalf (RFC 6890 special-purpose and private ranges). */
const FORBIDDEN = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.88.99.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001::", 23],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  FORBIDDEN.addSubnet(net, prefix, "ipv6");
}

/** True when an IP address is public (IPv4-mapped IPv6 addresses are judged as the IPv4 address they carry). */
export function isPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) {
    return false;
  }
  return !FORBIDDEN.check(address, family === 4 ? "ipv4" : "ipv6");
}

export type ResolvedAddress = { address: string; family: number };

export type GuardedFetchOptions = {
  timeoutMs?: number;
  maxBytes?: number;
  maxRedirects?: number;
  /** DNS resolution (every address is checked, and only checked addresses are connected to). */
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
  /** Which resolved addresses may be connected to; public ones only, unless a test says otherwise. */
  addressAllowed?: (address: string) => boolean;
  /** The transport; https unless a test substitutes a plain loopback server. */
  request?: (options: RequestOptions, callback: (res: IncomingMessage) => void) => ReturnType<typeof httpsRequest>;
};

const ACCEPT = "application/did+ld+json, application/did+json, application/ld+json, application/json;q=0.9, */*;q=0.1";

/**
 * The verifier's only way onto the network: https GETs of JSON documents, to public addresses only (DNS is resolved
 * here and every address checked; the connection uses a checked address, so a second lookup cannot rebind it), with a
 * short timeout, a size cap, no compression, and redirects re-checked hop by hop. Never an open proxy: it returns the
 * body to the verification engine, not to the visitor.
 */
export function createGuardedFetch(options: GuardedFetchOptions = {}): FetchRemote {
  const timeoutMs = options.timeoutMs ?? 5_000;
  const maxBytes = options.maxBytes ?? 1_048_576;
  const maxRedirects = options.maxRedirects ?? 3;
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));
  const allowed = options.addressAllowed ?? isPublicAddress;
  const send = options.request ?? httpsRequest;

  const lookup = checkedLookup(resolve, allowed);

  const getOnce = (url: URL, deadline: number) =>
    new Promise<{ status: number; location?: string; body: string }>((resolvePromise, reject) => {
      const remaining = deadline - Date.now();
      const req = send(
        {
          protocol: url.protocol,
          hostname: url.hostname.replace(/^\[|\]$/g, ""),
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: "GET",
          headers: { accept: ACCEPT, "accept-encoding": "identity", "user-agent": "Laurel-verifier" },
          lookup,
          timeout: remaining,
          servername: isIP(url.hostname) ? undefined : url.hostname,
        },
        (res) => {
          const status = res.statusCode ?? 0;
          if (status >= 300 && status < 400) {
            res.resume();
            resolvePromise({ status, location: res.headers.location, body: "" });
            return;
          }
          const declared = Number(res.headers["content-length"] ?? 0);
          if (declared > maxBytes) {
            req.destroy(new RemoteFetchError(`the answer is larger than ${maxBytes} bytes`));
            return;
          }
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (chunk: Buffer) => {
            size += chunk.length;
            if (size > maxBytes) {
              req.destroy(new RemoteFetchError(`the answer is larger than ${maxBytes} bytes`));
              return;
            }
            chunks.push(chunk);
          });
          res.on("end", () => resolvePromise({ status, body: Buffer.concat(chunks).toString("utf8") }));
          res.on("error", reject);
        },
      );
      const timer = setTimeout(() => req.destroy(new RemoteFetchError(`no answer within ${timeoutMs} ms`)), remaining);
      req.on("timeout", () => req.destroy(new RemoteFetchError(`no answer within ${timeoutMs} ms`)));
      req.on("error", reject);
      req.on("close", () => clearTimeout(timer));
      req.end();
    });

  return async (address: string) => {
    const deadline = Date.now() + timeoutMs;
    let url = checkUrl(address);
    for (let hop = 0; ; hop++) {
      const answer = await getOnce(url, deadline).catch((error: Error) => {
        throw error instanceof RemoteFetchError ? error : new RemoteFetchError(error.message);
      });
      if (answer.location === undefined) {
        if (answer.status !== 200) {
          throw new RemoteFetchError(`the server answered HTTP ${answer.status}`);
        }
        return answer.body;
      }
      if (hop >= maxRedirects) {
        throw new RemoteFetchError(`more than ${maxRedirects} redirects`);
      }
      url = checkUrl(new URL(answer.location, url).href);
    }
  };
}

/**
 * A DNS lookup that connects only to checked addresses: every address the name resolves to must be allowed (one
 * private address among public ones refuses the name), and the connection uses an address from this one answer, so a
 * second lookup cannot rebind it.
 */
function checkedLookup(
  resolve: (hostname: string) => Promise<ResolvedAddress[]>,
  allowed: (address: string) => boolean,
): LookupFunction {
  return (hostname, lookupOptions, callback) => {
    resolve(hostname)
      .then((addresses) => {
        const refused = addresses.find((a) => !allowed(a.address));
        if (addresses.length === 0 || refused) {
          throw new RemoteRefusedError(`${hostname} resolves to a private or reserved address`);
        }
        if (lookupOptions.all) {
          callback(null, addresses);
        } else {
          const first = addresses[0] as ResolvedAddress;
          callback(null, first.address, first.family);
        }
      })
      .catch((error: Error) => callback(error as NodeJS.ErrnoException, "", 0));
  };
}

/** Only https URLs without credentials, and IP literals only when public (or, `allowed`, any http(s) URL's host). */
function checkUrl(address: string, allowedHost?: (host: string) => boolean): URL {
  if (!URL.canParse(address)) {
    throw new RemoteRefusedError(`${address} is not a URL`);
  }
  const url = new URL(address);
  const host = url.hostname.replace(/^\[|\]$/g, "");
  const listed = allowedHost?.(host) ?? false;
  if (url.protocol !== "https:" && !(listed && url.protocol === "http:")) {
    throw new RemoteRefusedError(`only https addresses are fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new RemoteRefusedError("addresses with credentials are not fetched");
  }
  if (!listed && isIP(host) && !isPublicAddress(host)) {
    throw new RemoteRefusedError(`${host} is a private or reserved address`);
  }
  return url;
}

/** A checked endpoint URL: how to reach it. */
type Target = { send: typeof httpRequest; options: RequestOptions };

/** What a webhook receiver answered: its status and the first bytes of its body. */
export type GuardedPostAnswer = { status: number; body: string };

/** POSTs a body; rejects with RemoteRefusedError (policy: never retry) or RemoteFetchError (no answer). */
export type GuardedPost = (
  url: string,
  request: { headers: Record<string, string>; body: string },
) => Promise<GuardedPostAnswer>;

export type GuardedPostOptions = {
  /**
   * Host names (or IP addresses) the operator allowed explicitly: they may be reached over plain http and at private
   * addresses (an internal relay; the tests' loopback receiver). Every other host: https to public addresses only.
   */
  allowHosts?: readonly string[];
  timeoutMs?: number;
  /** How much of the answer is read: it is recorded, never used. */
  answerBytes?: number;
  resolve?: (hostname: string) => Promise<ResolvedAddress[]>;
};

/**
 * The webhook sender's way onto the network, under the verifier's rules: https to public addresses only (unless the
 * host is on the allow-list), DNS resolved and checked here, a timeout over the whole exchange, no redirect followed
 * (a 3xx is an answer like any other), and only the first bytes of the answer read.
 */
export function createGuardedPost(options: GuardedPostOptions = {}): GuardedPost {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const answerBytes = options.answerBytes ?? 1024;
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));
  const listed = new Set((options.allowHosts ?? []).map((h) => h.toLowerCase()));
  const hostAllowed = (host: string) => listed.has(host.toLowerCase());
  const publicOnly = checkedLookup(resolve, isPublicAddress);
  const anyAddress = checkedLookup(resolve, () => true);
  // Keep-alive connections of their own (a receiver gets many calls in a row); DNS is still checked at each connect.
  const agents = { "http:": new HttpAgent({ keepAlive: true }), "https:": new HttpsAgent({ keepAlive: true }) };
  // What an endpoint URL comes to once checked (the policy depends on the URL alone), not parsed again at each call.
  const targets = new Map<string, Target>();
  const targetOf = (address: string): Target => {
    let target = targets.get(address);
    if (target === undefined) {
      const url = checkUrl(address, hostAllowed);
      const host = url.hostname.replace(/^\[|\]$/g, "");
      const http = url.protocol === "http:";
      target = {
        send: http ? httpRequest : httpsRequest,
        options: {
          protocol: url.protocol,
          hostname: host,
          port: url.port || undefined,
          path: `${url.pathname}${url.search}`,
          method: "POST",
          agent: http ? agents["http:"] : agents["https:"],
          lookup: hostAllowed(host) ? anyAddress : publicOnly,
          timeout: timeoutMs,
          servername: isIP(host) ? undefined : host,
        },
      };
      if (targets.size >= 1000) {
        targets.clear();
      }
      targets.set(address, target);
    }
    return target;
  };

  return (address, request) =>
    new Promise<GuardedPostAnswer>((resolvePromise, reject) => {
      let target: Target;
      try {
        target = targetOf(address);
      } catch (error) {
        reject(error);
        return;
      }
      const body = Buffer.from(request.body, "utf8");
      const req = target.send(
        {
          ...target.options,
          headers: { ...request.headers, "content-length": String(body.length), "accept-encoding": "identity" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let settled = false;
          const finish = () => {
            if (!settled) {
              settled = true;
              clearTimeout(timer);
              resolvePromise({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).subarray(0, answerBytes).toString("utf8"),
              });
            }
          };
          res.on("data", (chunk: Buffer) => {
            chunks.push(chunk);
            size += chunk.length;
            if (size >= answerBytes) {
              finish();
              res.destroy();
            }
          });
          res.on("end", finish);
          res.on("error", finish);
        },
      );
      const timer = setTimeout(() => req.destroy(new RemoteFetchError(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on("timeout", () => req.destroy(new RemoteFetchError(`no answer within ${timeoutMs} ms`)));
      req.on("error", (error: Error) => {
        clearTimeout(timer);
        reject(error instanceof RemoteFetchError ? error : new RemoteFetchError(error.message));
      });
      req.end(body);
    });
}
