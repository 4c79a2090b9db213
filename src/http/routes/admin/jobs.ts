import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { streamSSE } from "hono/streaming";
import { can, type Permission } from "../../../domain/access.js";
import { type ResultJson, resultCsvLine, resultJson, resultsCsvHeader } from "../../../domain/jobs/results-file.js";
import { templateCsv, templateFileName } from "../../../domain/jobs/template.js";
import { AppError } from "../../../errors.js";
import {
  cancelJob,
  getJob,
  type JobFormat,
  type JobKind,
  type JobView,
  jobResults,
  listJobs,
  submitJob,
} from "../../../services/jobs.js";
import { requireAnyApiScope } from "../../admin-auth.js";
import type { AppEnv } from "../../env.js";
import { AUTH_PROBLEMS, bearerSecurity, problems, STORAGE_PROBLEMS } from "../../openapi.js";

/** The scope each kind of job needs: what its rows do one by one through the API. */
const SCOPE_OF: Record<JobKind, Permission & ("credentials:issue" | "evidence:write")> = {
  awards: "credentials:issue",
  evidence: "evidence:write",
};
const JOB_SCOPES = [SCOPE_OF.awards, SCOPE_OF.evidence];

/** How often the events stream reads the job (from the database, so it follows a job run by any node). */
const EVENTS_POLL_MS = 1000;

const KindSchema = z.enum(["awards", "evidence"]).openapi({ description: "What the rows are", example: "awards" });
const BooleanText = z.enum(["true", "false"], { error: 'must be "true" or "false"' }).transform((v) => v === "true");
const OptionsShape = {
  kind: KindSchema.optional().openapi({ description: "Required with a raw body (or as a multipart field)" }),
  dryRun: BooleanText.optional().openapi({
    type: "string",
    description: "true: validate and evaluate every row and report what would happen, writing nothing",
  }),
  onDuplicate: z.enum(["skip", "error"]).optional().openapi({
    description:
      "A row repeating an earlier one (same externalId, or same certification and email; or a credential already held): skipped (default) or failed",
  }),
};

const JobViewSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["awards", "evidence"]),
    status: z.enum(["queued", "running", "done", "cancelled", "failed"]),
    dryRun: z.boolean(),
    onDuplicate: z.enum(["skip", "error"]),
    fileName: z.string().nullable(),
    format: z.enum(["csv", "jsonl"]),
    total: z.number().int().openapi({ description: "Rows in the file (one per input line or record)" }),
    done: z.number().int(),
    failed: z.number().int(),
    skipped: z.number().int(),
    pending: z.number().int(),
    rowsPerSecond: z.number().nullable(),
    etaSeconds: z.number().nullable().openapi({ description: "Seconds left at the current rate (null: unknown)" }),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    updatedAt: z.string(),
    error: z.string().nullable(),
    createdBy: z.string(),
  })
  .openapi("Job");

const JobIdParamSchema = z.object({ id: z.uuid({ error: "must be a job id" }) });

const FILE_PROBLEMS = [
  "VALIDATION_FAILED",
  "UNSUPPORTED_MEDIA_TYPE",
  "PAYLOAD_TOO_LARGE",
  { code: "CONFLICT", when: "The Idempotency-Key was already used for another file or other options" },
  {
    code: "JOB_FILE_INVALID",
    when: "The file cannot be read as a whole (no header, an unknown column, the wrong delimiter, not UTF-8, more than 100,000 rows…): `problem` and `line` say what and where; nothing of it is stored",
  },
] as const;

const submitRoute = createRoute({
  method: "post",
  path: "/admin/jobs",
  tags: ["Jobs"],
  summary: "Submit a bulk job (awards or evidence)",
  description:
    "A CSV (header row, columns as in the templates `/admin/jobs/templates/{kind}.csv`) or JSONL file of up to 100,000 rows, as a multipart `file` (with `kind`, `dryRun`, `onDuplicate` fields or query parameters) or as the raw body (`Content-Type: text/csv` or `application/x-ndjson`, options in the query). The file and all its rows are stored before the answer; the job then runs in the background. Scope per kind: awards need `credentials:issue`, evidence `evidence:write`; every row is checked again with the submitter's grants. `Idempotency-Key`: the same key (per API key) returns the same job. Body limit: `LAUREL_JOBS_MAX_UPLOAD_BYTES` (64 MiB).",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: {
    query: z.object({ ...OptionsShape, format: z.enum(["csv", "jsonl"]).optional() }),
    headers: z.object({
      "idempotency-key": z
        .string()
        .min(1)
        .max(200)
        .optional()
        .openapi({ description: "Retrying with the same key returns the same job" }),
    }),
    body: {
      required: false,
      content: {
        "multipart/form-data": {
          schema: z.object({
            file: z.unknown().openapi({ type: "string", format: "binary" }),
            kind: KindSchema.optional(),
            dryRun: z.string().optional(),
            onDuplicate: z.string().optional(),
          }),
        },
        "text/csv": {
          schema: z
            .string()
            .openapi({ example: "certification,email,name\ngitlab-certified-associate,ada@example.org,Ada Lovelace" }),
        },
        "application/x-ndjson": { schema: z.string() },
      },
    },
  },
  responses: {
    202: {
      description: "Accepted: the job, stored with every row (`Location`: the job)",
      content: { "application/json": { schema: JobViewSchema } },
    },
    200: {
      description: "The job an earlier upload with this Idempotency-Key made",
      content: { "application/json": { schema: JobViewSchema } },
    },
    ...problems(...FILE_PROBLEMS, ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const listRoute = createRoute({
  method: "get",
  path: "/admin/jobs",
  tags: ["Jobs"],
  summary: "List bulk jobs",
  description: "Newest first, of the kinds the key may submit.",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: {
    query: z.object({
      limit: z.coerce.number().int().min(1).max(200).default(50),
      before: z.iso.datetime({ offset: true }).optional().openapi({ description: "Jobs created before this time" }),
    }),
  },
  responses: {
    200: {
      description: "Jobs",
      content: { "application/json": { schema: z.object({ items: z.array(JobViewSchema) }).openapi("JobList") } },
    },
    ...problems("VALIDATION_FAILED", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const getRoute = createRoute({
  method: "get",
  path: "/admin/jobs/{id}",
  tags: ["Jobs"],
  summary: "A bulk job's progress",
  description: "Rows done, failed and skipped, the rate and the estimated time left.",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: { params: JobIdParamSchema },
  responses: {
    200: { description: "The job", content: { "application/json": { schema: JobViewSchema } } },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const eventsRoute = createRoute({
  method: "get",
  path: "/admin/jobs/{id}/events",
  tags: ["Jobs"],
  summary: "A bulk job's progress as server-sent events",
  description:
    "`event: progress` with the job (as GET /admin/jobs/{id}) every second while it changes, read from the database (so any node serves it); the stream ends after the event of a finished job (done, cancelled, failed).",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: { params: JobIdParamSchema },
  responses: {
    200: { description: "The event stream", content: { "text/event-stream": { schema: z.string() } } },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const cancelRoute = createRoute({
  method: "post",
  path: "/admin/jobs/{id}/cancel",
  tags: ["Jobs"],
  summary: "Cancel a bulk job",
  description:
    "The job stops before its next batch (the batch in flight is finished and recorded); rows not run are reported as cancelled.",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: { params: JobIdParamSchema },
  responses: {
    200: { description: "The cancelled job", content: { "application/json": { schema: JobViewSchema } } },
    ...problems(
      "VALIDATION_FAILED",
      "NOT_FOUND",
      { code: "CONFLICT", when: "The job has already finished" },
      ...AUTH_PROBLEMS,
      ...STORAGE_PROBLEMS,
    ),
  },
});

const JobResultSchema = z
  .object({
    line: z.number().int(),
    externalId: z.string().nullable(),
    outcome: z.string().openapi({
      description:
        "issued, recorded, duplicate, skipped, failed; would-issue, would-record (dry run); pending, cancelled",
    }),
    credentials: z
      .array(z.object({ id: z.string(), url: z.string() }))
      .openapi({ description: "The credential the row issued (awards), or those its record completed (evidence)" }),
    error: z.object({ column: z.string().nullable(), reason: z.string() }).nullable(),
  })
  .openapi("JobResult");

const resultsRoute = createRoute({
  method: "get",
  path: "/admin/jobs/{id}/{file}",
  tags: ["Jobs"],
  summary: "A bulk job's results file",
  description:
    "One line per input line: `line, externalId, outcome, credentialId, credentialUrl, error`. `results.csv` or `results.json`, or `results` with `Accept: text/csv` or `application/json` (JSON by default). Cells that a spreadsheet would read as a formula are neutralised.",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: {
    params: JobIdParamSchema.extend({
      file: z.enum(["results", "results.csv", "results.json"], {
        error: "must be results, results.csv or results.json",
      }),
    }),
  },
  responses: {
    200: {
      description: "The results",
      content: {
        "application/json": { schema: z.object({ job: JobViewSchema, results: z.array(JobResultSchema) }) },
        "text/csv": { schema: z.string() },
      },
    },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS, ...STORAGE_PROBLEMS),
  },
});

const templateRoute = createRoute({
  method: "get",
  path: "/admin/jobs/templates/{file}",
  tags: ["Jobs"],
  summary: "A job file template",
  description:
    "`awards.csv` or `evidence.csv`: the header of every column and one example row; `?certification=<id>` fills the example in for that certification (its results, its assessment).",
  security: bearerSecurity,
  middleware: [requireAnyApiScope(JOB_SCOPES)] as const,
  request: {
    params: z.object({
      file: z.enum(["awards.csv", "evidence.csv"], { error: "must be awards.csv or evidence.csv" }),
    }),
    query: z.object({ certification: z.string().min(1).max(200).optional() }),
  },
  responses: {
    200: { description: "The template", content: { "text/csv": { schema: z.string() } } },
    ...problems("VALIDATION_FAILED", "NOT_FOUND", ...AUTH_PROBLEMS),
  },
});

/** The job, if the principal may see jobs of its kind (the scope of its kind); 403 otherwise. */
async function visibleJob(c: Context<AppEnv>, id: string): Promise<JobView> {
  const job = await getJob(c.get("ctx"), id);
  if (!can(c.get("principal"), SCOPE_OF[job.kind])) {
    throw new AppError("FORBIDDEN", `This API key lacks the "${SCOPE_OF[job.kind]}" scope of ${job.kind} jobs`, {
      requiredScope: SCOPE_OF[job.kind],
    });
  }
  return job;
}

const FORMAT_OF_TYPE: Record<string, JobFormat> = {
  "text/csv": "csv",
  "application/csv": "csv",
  "application/x-ndjson": "jsonl",
  "application/jsonl": "jsonl",
  "application/jsonlines": "jsonl",
};

function formatOfName(name: string): JobFormat | undefined {
  const lower = name.toLowerCase();
  return lower.endsWith(".csv") ? "csv" : /\.(jsonl|ndjson)$/.test(lower) ? "jsonl" : undefined;
}

type Upload = {
  body: AsyncIterable<Uint8Array>;
  format: JobFormat;
  fileName: string | null;
  fields: Record<string, string | undefined>;
};

/** The file and options of a submission: a multipart `file`, or the raw body with its media type. */
async function readUpload(c: Context<AppEnv>, query: { format?: JobFormat }): Promise<Upload> {
  const type = (c.req.header("content-type") ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "multipart/form-data") {
    const form = await c.req.formData();
    const file = form.get("file");
    if (!(file instanceof File)) {
      throw new AppError("VALIDATION_FAILED", "file: a multipart field `file` holding the job file is required", {
        errors: [{ path: "file", message: "is required (the CSV or JSONL file)" }],
      });
    }
    const text = (name: string) => {
      const value = form.get(name);
      return typeof value === "string" ? value : undefined;
    };
    const format =
      query.format ?? formatOfName(file.name) ?? FORMAT_OF_TYPE[file.type.split(";")[0]?.trim() ?? ""] ?? undefined;
    if (!format) {
      throw new AppError("VALIDATION_FAILED", "format: name the file .csv or .jsonl, or give ?format=csv|jsonl", {
        errors: [
          { path: "format", message: "cannot tell CSV from JSONL: name the file .csv or .jsonl, or give format" },
        ],
      });
    }
    return {
      body: file.stream() as unknown as AsyncIterable<Uint8Array>,
      format,
      fileName: file.name || null,
      fields: { kind: text("kind"), dryRun: text("dryRun"), onDuplicate: text("onDuplicate") },
    };
  }
  const format = query.format ?? FORMAT_OF_TYPE[type];
  const body = c.req.raw.body;
  if (!format) {
    throw new AppError(
      "UNSUPPORTED_MEDIA_TYPE",
      "Send the job file as multipart/form-data (field `file`), or as the raw body with Content-Type text/csv or application/x-ndjson",
    );
  }
  if (!body) {
    throw new AppError("VALIDATION_FAILED", "The request has no body: send the job file", {
      errors: [{ path: "body", message: "is empty" }],
    });
  }
  return { body: body as unknown as AsyncIterable<Uint8Array>, format, fileName: null, fields: {} };
}

/** A form field or query option read with the query's own schema (one set of rules for both). */
function option<T>(name: string, given: string | undefined, schema: z.ZodType<T>): T | undefined {
  if (given === undefined) {
    return undefined;
  }
  const parsed = schema.safeParse(given);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? "is not valid";
    throw new AppError("VALIDATION_FAILED", `${name}: ${message}`, { errors: [{ path: name, message }] });
  }
  return parsed.data;
}

export function registerJobs(app: OpenAPIHono<AppEnv>): void {
  app.openapi(submitRoute, async (c) => {
    const query = c.req.valid("query");
    const upload = await readUpload(c, query);
    const kind = option("kind", upload.fields.kind, KindSchema) ?? query.kind;
    if (!kind) {
      throw new AppError("VALIDATION_FAILED", "kind: say what the rows are (awards or evidence)", {
        errors: [{ path: "kind", message: "is required: awards or evidence" }],
      });
    }
    if (!can(c.get("principal"), SCOPE_OF[kind])) {
      throw new AppError("FORBIDDEN", `This API key lacks the "${SCOPE_OF[kind]}" scope of ${kind} jobs`, {
        requiredScope: SCOPE_OF[kind],
      });
    }
    const principal = c.get("principal");
    if (!principal) {
      throw new AppError("UNAUTHENTICATED", "A valid API key is required");
    }
    const { job, created } = await submitJob(c.get("ctx"), {
      kind,
      format: upload.format,
      body: upload.body,
      fileName: upload.fileName,
      dryRun: option("dryRun", upload.fields.dryRun, BooleanText) ?? query.dryRun ?? false,
      onDuplicate:
        option("onDuplicate", upload.fields.onDuplicate, z.enum(["skip", "error"])) ?? query.onDuplicate ?? "skip",
      idempotencyKey: c.req.valid("header")["idempotency-key"] ?? null,
      principal,
    });
    return c.json(job, created ? 202 : 200, { location: `/admin/jobs/${job.id}` });
  });

  app.openapi(listRoute, async (c) => {
    const { limit, before } = c.req.valid("query");
    const kinds = (["awards", "evidence"] as const).filter((kind) => can(c.get("principal"), SCOPE_OF[kind]));
    const items = await listJobs(c.get("ctx"), { limit, kinds, ...(before ? { before: new Date(before) } : {}) });
    return c.json({ items }, 200);
  });

  // before /admin/jobs/{id}/{file}, which would read "templates" as a job id
  app.openapi(templateRoute, async (c) => {
    const kind = c.req.valid("param").file === "awards.csv" ? "awards" : "evidence";
    const { certification } = c.req.valid("query");
    const entry = certification === undefined ? undefined : c.get("ctx").catalog.get(certification);
    if (certification !== undefined && !entry) {
      throw new AppError("NOT_FOUND", `No certification "${certification}"`);
    }
    const template = entry ? { id: entry.id, rule: entry.criteria.rule } : undefined;
    c.header("content-type", "text/csv; charset=utf-8");
    c.header("content-disposition", `attachment; filename="${templateFileName(kind, template)}"`);
    return c.body(templateCsv(kind, template), 200) as never;
  });

  app.openapi(getRoute, async (c) => c.json(await visibleJob(c, c.req.valid("param").id), 200));

  app.openapi(eventsRoute, async (c) => {
    const { id } = c.req.valid("param");
    await visibleJob(c, id);
    const ctx = c.get("ctx");
    return streamSSE(c, async (stream) => {
      let last = "";
      for (;;) {
        const job = await getJob(ctx, id);
        const data = JSON.stringify(job);
        if (data !== last) {
          await stream.writeSSE({ event: "progress", data, id: job.updatedAt });
          last = data;
        }
        if (job.status !== "queued" && job.status !== "running") {
          return;
        }
        await stream.sleep(EVENTS_POLL_MS);
        if (stream.aborted || stream.closed) {
          return;
        }
      }
    }) as never;
  });

  app.openapi(cancelRoute, async (c) => {
    const { id } = c.req.valid("param");
    await visibleJob(c, id);
    return c.json(await cancelJob(c.get("ctx"), id, c.get("principal")?.actor ?? "anonymous"), 200);
  });

  app.openapi(resultsRoute, async (c) => {
    const { id, file } = c.req.valid("param");
    const job = await visibleJob(c, id);
    const accept = c.req.header("accept") ?? "";
    const csv = file === "results.csv" || (file === "results" && /text\/csv/.test(accept));
    const ctx = c.get("ctx");
    const filename = `job-${id}-results.${csv ? "csv" : "json"}`;
    c.header("content-disposition", `attachment; filename="${filename}"`);
    c.header("cache-control", "no-store");
    if (csv) {
      c.header("content-type", "text/csv; charset=utf-8");
      return c.body(
        streamText(async function* () {
          yield resultsCsvHeader();
          for await (const row of jobResults(ctx, id)) {
            yield resultCsvLine(row);
          }
        }),
        200,
      ) as never;
    }
    const results: ResultJson[] = [];
    for await (const row of jobResults(ctx, id)) {
      results.push(resultJson(row));
    }
    return c.json({ job, results }, 200);
  });
}

/** A response body streamed from text pieces (a results file of 100,000 lines is never held whole). */
function streamText(pieces: () => AsyncGenerator<string>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  const iterator = pieces();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) {
        controller.close();
      } else {
        controller.enqueue(encoder.encode(next.value));
      }
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
}
