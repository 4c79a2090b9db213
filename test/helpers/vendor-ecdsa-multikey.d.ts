// The member of @digitalbazaar/ecdsa-multikey the tests use to make P-256 did:key issuers.
declare module "@digitalbazaar/ecdsa-multikey" {
  export function generate(options: { curve: "P-256" | "P-384"; id?: string; controller?: string }): Promise<any>;
}
