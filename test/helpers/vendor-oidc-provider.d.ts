/** The little of oidc-provider (a test-only OpenID provider; it ships no types) the SSO tests use. */
declare module "oidc-provider" {
  type Grant = {
    addOIDCScope(scope: string): void;
    save(): Promise<string>;
  };
  type KoaContext = {
    oidc: {
      session?: { accountId?: string };
      client?: { clientId: string };
      provider: { Grant: new (init: { clientId: string; accountId: string }) => Grant };
    };
  };
  type Account = { accountId: string; claims: () => Record<string, unknown> };
  export default class Provider {
    constructor(
      issuer: string,
      configuration: Record<string, unknown> & {
        findAccount?: (ctx: KoaContext, sub: string) => Account | undefined | Promise<Account | undefined>;
        loadExistingGrant?: (ctx: KoaContext) => Promise<Grant | undefined>;
      },
    );
    on(event: string, listener: (...args: never[]) => void): void;
    callback(): (req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) => void;
  }
}
