import { lookup as dnsLookup } from "node:dns/promises";
import type { IncomingMessage } from "node:http";
import { request as httpsRequest, type RequestOptions } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { type FetchRemote, RemoteFetchError } from "./environment.js";

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

  const lookup: LookupFunction = (hostname, lookupOptions, callback) => {
    resolve(hostname)
      .then((addresses) => {
        const refused = addresses.find((a) => !allowed(a.address));
        if (addresses.length === 0 || refused) {
          throw new RemoteFetchError(`${hostname} resolves to a private or reserved address`);
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

/** Only https URLs without credentials, and IP literals only when public. */
function checkUrl(address: string): URL {
  if (!URL.canParse(address)) {
    throw new RemoteFetchError(`${address} is not a URL`);
  }
  const url = new URL(address);
  if (url.protocol !== "https:") {
    throw new RemoteFetchError(`only https addresses are fetched, not ${url.protocol}`);
  }
  if (url.username || url.password) {
    throw new RemoteFetchError("addresses with credentials are not fetched");
  }
  const host = url.hostname.replace(/^\[|\]$/g, "");
  if (isIP(host) && !isPublicAddress(host)) {
    throw new RemoteFetchError(`${host} is a private or reserved address`);
  }
  return url;
}
