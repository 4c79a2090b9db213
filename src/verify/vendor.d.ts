// Narrow declarations for what verification calls beyond src/crypto/vendor.d.ts (merged into the same modules).

declare module "@digitalbazaar/vc" {
  export class CredentialIssuancePurpose {
    constructor(options?: { controller?: Record<string, unknown>; date?: Date | string });
  }
  /** The library's own credential checks (throws on the first it fails); exported by it "for testing". */
  export function _checkCredential(options: {
    credential: Record<string, unknown>;
    now?: Date;
    mode?: "issue" | "verify";
    maxClockSkew?: number;
  }): void;
  export function verifyCredential(options: {
    credential: Record<string, unknown>;
    suite: unknown | unknown[];
    documentLoader: DocumentLoader;
    purpose?: CredentialIssuancePurpose;
    now?: Date | string;
    /** Seconds of tolerance on every date comparison the library makes. */
    maxClockSkew?: number;
    checkStatus?: (options: unknown) => Promise<{ verified: boolean }>;
  }): Promise<{
    verified: boolean;
    error?: { message?: string; errors?: Array<{ message?: string }> };
    results?: Array<{ proof?: unknown; verified?: boolean; error?: unknown }>;
  }>;
}

declare module "@digitalbazaar/ed25519-signature-2020" {
  export class Ed25519Signature2020 {
    constructor(options?: Record<string, unknown>);
  }
}

declare module "ed25519-signature-2020-context" {
  export const contexts: Map<string, unknown>;
}

declare module "@digitalbazaar/eddsa-jcs-2022-cryptosuite" {
  export function createVerifyCryptosuite(): Record<string, unknown>;
  export function createSignCryptosuite(): Record<string, unknown>;
}

declare module "@digitalbazaar/ecdsa-rdfc-2019-cryptosuite" {
  export const cryptosuite: Record<string, unknown>;
}
