import { z } from "@hono/zod-openapi";
import { EMAIL_DOC, EmailSchema, readEmail } from "../domain/person-fields.js";

/** An email address as the API accepts it (defined in the domain, where the bulk job files use it too). */
export { EmailSchema };

/** A form's optional email field: empty (or only spaces) is no address; anything else must be one. */
export const OptionalFormEmailSchema = z
  .string()
  .transform((value, ctx) => (value.trim() === "" ? undefined : readEmail(value, ctx)))
  .optional()
  .openapi(EMAIL_DOC);
