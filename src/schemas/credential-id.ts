import { z } from "@hono/zod-openapi";

/** A credential id: a UUID, case-insensitive (stored lower-case). */
export const CredentialIdSchema = z
  .string()
  .transform((s) => s.toLowerCase())
  .pipe(z.uuid({ error: "must be a credential id (UUID)" }))
  .openapi({ type: "string", format: "uuid", param: { name: "id", in: "path" } });

export const CredentialIdParamSchema = z.object({ id: CredentialIdSchema });
