/**
 * did:web resolution URL (did:web method §3.2 Read): `did:web:host[%3Aport][:path…]` →
 * `https://host[:port]/path…/did.json`, or `https://host/.well-known/did.json` without a path.
 */
export function didWebDocumentUrl(did: string): string | undefined {
  const match = /^did:web:([^#?/]+)$/.exec(did);
  if (!match) {
    return undefined;
  }
  const [host, ...encoded] = (match[1] as string).split(":");
  const authority = decoded(host as string);
  const path = encoded.map(decoded);
  if (
    authority === undefined ||
    !/^[A-Za-z0-9.-]+(:\d{1,5})?$/.test(authority) ||
    path.some((segment) => segment === undefined || segment === "" || segment === "..")
  ) {
    return undefined;
  }
  const tail = path.length > 0 ? `${path.join("/")}/did.json` : ".well-known/did.json";
  const url = `https://${authority}/${tail}`;
  return URL.canParse(url) ? url : undefined;
}

/** A percent-decoded DID segment, or undefined when its escapes are malformed (`%ZZ`). */
function decoded(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The DID of a DID URL (before any path, query or fragment). */
export function didOf(didUrl: string): string {
  return didUrl.split(/[#?]/, 1)[0] as string;
}
