import { z } from "@hono/zod-openapi";

/** Rejecting an award waiting for approval: the reason (the API's body, and the console's form). */
export const RejectApprovalSchema = z.strictObject({ reason: z.string().trim().min(1).max(2000) });
