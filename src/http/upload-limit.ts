import type { Context, MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "./env.js";
import { problemResponse } from "./problem.js";

/** POST endpoints that take an upload to verify: they get `LAUREL_VERIFY_MAX_UPLOAD_BYTES` instead of the general cap. */
export const VERIFY_UPLOAD_PATHS = new Set(["/api/verify", "/credentials/verify", "/presentations/verify", "/verify"]);

/**
 * The request body cap: the general `LAUREL_MAX_BODY_BYTES`, the verifier's upload cap on the verify endpoints, or the
 * bulk job cap on `POST /admin/jobs`.
 * A declared Content-Length over the cap is refused before any byte is read; a chunked body is cut off as soon as it
 * passes the cap, so a 100 MB upload is never buffered whole. `pages` answers paths a person posts to from a form
 * (the verify form) with a page instead of a problem document. Either answer closes the connection.
 */
/** The bulk job upload: `LAUREL_JOBS_MAX_UPLOAD_BYTES` (a file of 100,000 rows), read as it arrives. */
export const JOBS_UPLOAD_PATH = "/admin/jobs";

export function requestBodyLimits(
  limits: { general: number; verifyUpload: number; jobsUpload: number },
  pages: Record<string, (c: Context<AppEnv>, maxSize: number) => Response | Promise<Response>> = {},
): MiddlewareHandler<AppEnv> {
  const limit = (maxSize: number) =>
    bodyLimit({
      maxSize,
      onError: async (c) => {
        const res = await (pages[c.req.path]?.(c, maxSize) ??
          problemResponse(c, "PAYLOAD_TOO_LARGE", `The request body exceeds ${maxSize} bytes`));
        // The rest of the body is never read: say the connection ends here, so no client sends another request on it.
        res.headers.set("connection", "close");
        return res;
      },
    });
  const general = limit(limits.general);
  const upload = limit(limits.verifyUpload);
  const jobs = limit(limits.jobsUpload);
  return (c, next) => {
    const method = c.req.method;
    // A GET or HEAD request has no body in the fetch API (a Request with one cannot be made; @hono/node-server never
    // gives one the bytes a client sent after it), so hono's bodyLimit would only find `c.req.raw.body` null and go
    // on. Asking costs: under @hono/node-server it makes the whole real Request, with its AbortSignal, on every view.
    if (method === "GET" || method === "HEAD") {
      return next();
    }
    if (method === "POST" && c.req.path === JOBS_UPLOAD_PATH) {
      return jobs(c, next);
    }
    return method === "POST" && VERIFY_UPLOAD_PATHS.has(c.req.path) ? upload(c, next) : general(c, next);
  };
}
