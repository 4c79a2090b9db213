import { z } from "@hono/zod-openapi";

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "urn:laurel:problem:validation-failed" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string().openapi({ example: "VALIDATION_FAILED" }),
    requestId: z.string(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .openapi("Problem");

const problem = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** Problem responses every route documents (spread into each createRoute). */
export const problemResponses = {
  400: problem("Invalid request: the body names each offending field"),
  500: problem("Unexpected error"),
  503: problem("The server's storage is full or cannot be written (STORAGE_FULL, STORAGE_UNAVAILABLE): retry later"),
} as const;

/** Extra problem responses of authenticated routes. */
export const authProblemResponses = {
  401: problem("Missing, unknown or revoked API key"),
  403: problem("The API key lacks the required scope"),
} as const;

export const notFoundResponse = { 404: problem("No such resource") } as const;
export const unprocessableResponse = {
  422: problem(
    "Well formed, but it does not fit what it refers to (the catalog, the person's records): `errors` says why",
  ),
} as const;
export const tooLargeResponse = { 413: problem("The request body exceeds the size limit") } as const;

export const bearerSecurity = [{ bearerAuth: [] }];
