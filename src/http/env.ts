import type { ApiPrincipal } from "../services/api-keys.js";
import type { ServiceContext } from "../services/deps.js";

export type AppEnv = {
  Variables: {
    ctx: ServiceContext;
    requestId: string;
    principal: ApiPrincipal | null;
  };
};
