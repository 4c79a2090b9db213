/**
 * A person's display name as signed into credentials: the rule lives in the domain (`domain/person-fields.ts`), where
 * the bulk job files validate names with it too.
 */
export { DisplayNameSchema } from "../domain/person-fields.js";
