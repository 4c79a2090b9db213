import type { Principal } from "../domain/access.js";
import type { ServiceContext } from "../services/deps.js";

export type AppEnv = {
  Variables: {
    ctx: ServiceContext;
    requestId: string;
    /** Who is authenticated: an API key (admin routes) or a console account (console pages); null before. */
    principal: Principal | null;
  };
};
