import type { Context, Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError } from "zod";
import { can, canSome, type Permission, programsWith } from "../../domain/access.js";
import { AppError } from "../../errors.js";
import { CredentialIdSchema } from "../../schemas/credential-id.js";
import { OptionalFormEmailSchema } from "../../schemas/email.js";
import {
  ReinstateRequestSchema,
  ReissueRequestSchema,
  RevokeRequestSchema,
  SuspendRequestSchema,
} from "../../schemas/lifecycle.js";
import { listAuditEntries } from "../../services/audit.js";
import {
  reinstateCredential,
  reissueCredential,
  revokeCredential,
  suspendCredential,
} from "../../services/credential-status.js";
import type { CredentialView } from "../../services/credential-view.js";
import { credentialDeliveries } from "../../services/delivery-views.js";
import { issueCredentialByHand } from "../../services/issue-by-hand.js";
import {
  getCredential,
  type ListedState,
  listCredentialSummaryPage,
  programOf,
} from "../../services/read-credentials.js";
import { CredentialPage, type LifecycleAction, type LifecycleForm } from "../pages/console/credential-page.js";
import {
  type CredentialFilters,
  CredentialsPage,
  credentialsHref,
  credentialsPageBytes,
  LISTED_STATES,
} from "../pages/console/credentials-page.js";
import type { FormErrors } from "../pages/console/form.js";
import { IssueCredentialPage, type IssueForm } from "../pages/console/issue-credential-page.js";
import { fieldErrors } from "../problem.js";
import { IssueCredentialRequestSchema } from "../routes/admin/credential-schemas.js";
import type { ConsoleEnv } from "./console-env.js";
import { readForm } from "./form-data.js";
import { formErrorsOf, sendConsoleBytes, sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, sessionOf } from "./session.js";

const PAGE_SIZE = 50;
const HISTORY_SIZE = 100;

const FLASH: Record<string, string> = {
  issued: "The credential has been issued; the e-mail to its recipient is listed under Deliveries once sent.",
  revoked: "The credential has been revoked.",
  suspended: "The credential has been suspended.",
  reinstated: "The credential has been reinstated.",
  reissued: "This credential replaces the one you corrected (now revoked as superseded).",
};

type Certification = { id: string; name: string; program: string };

/**
 * The certifications per catalog and set of programs: the same list for every request of an account with the same
 * grants, so made once (and the page keeps its options' markup by the list). Kept by the catalog's entries, which a
 * reload replaces (in the catalog object every context shares: catalog-reload.ts).
 */
const CERTIFICATIONS = new WeakMap<object, Map<string, readonly Certification[]>>();

/** The catalog's certifications whose program the session may do this for. */
function certificationsWith(c: Context<ConsoleEnv>, permission: Permission): readonly Certification[] {
  const programs = programsWith(sessionOf(c).principal, permission);
  const entries = c.get("ctx").catalog.entries;
  const key = programs === "all" ? "*" : JSON.stringify(programs);
  let byPrograms = CERTIFICATIONS.get(entries);
  const held = byPrograms?.get(key);
  if (held) {
    return held;
  }
  const list = Object.freeze(
    entries
      .filter((entry) => programs === "all" || programs.includes(entry.program))
      .map((entry) => Object.freeze({ id: entry.id, name: entry.name, program: entry.program })),
  );
  if (!byPrograms || byPrograms.size >= 256) {
    byPrograms = new Map();
    CERTIFICATIONS.set(entries, byPrograms);
  }
  byPrograms.set(key, list);
  return list;
}

/** A zod refusal as the form's field errors (the API's wording), each under the form field that carries it. */
function formErrorsOfZod(error: ZodError, fields: Record<string, string>, fallback: string): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const field of fieldErrors(error)) {
    const name = fields[field.path] ?? fallback;
    errors[name] ??= field.message;
  }
  return errors;
}

/** The credential of the path, if this session may do `permission` for its program: else 404 / 403. */
async function credentialFor(c: Context<ConsoleEnv>, permission: Permission): Promise<CredentialView> {
  const parsed = CredentialIdSchema.safeParse(c.req.param("id"));
  if (!parsed.success) {
    throw new AppError("NOT_FOUND", `No credential "${c.req.param("id")}"`);
  }
  const credential = await getCredential(c.get("ctx"), parsed.data);
  const program = programOf(c.get("ctx"), credential.achievementId);
  if (!can(sessionOf(c).principal, permission, program === undefined ? {} : { program })) {
    throw new AppError(
      "FORBIDDEN",
      `Your roles do not allow this (it needs the "${permission}" permission for ${program ?? "every program"})`,
      { requiredPermission: permission },
    );
  }
  return credential;
}

async function renderDetail(
  c: Context<ConsoleEnv>,
  credential: CredentialView,
  view: { flash?: string; refused?: { action: LifecycleAction; form: LifecycleForm; errors: FormErrors } },
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const session = sessionOf(c);
  const ctx = c.get("ctx");
  const program = programOf(ctx, credential.achievementId) ?? null;
  const history = await listAuditEntries(ctx, {
    targetType: "credential",
    targetId: credential.id,
    limit: HISTORY_SIZE,
  });
  const expired =
    credential.status.state === "active" &&
    credential.validUntil !== null &&
    new Date(credential.validUntil).getTime() <= ctx.clock().getTime();
  return sendConsolePage(
    c,
    CredentialPage({
      chrome: chromeOf(c, session),
      credential,
      program,
      expired,
      history: history.items,
      deliveries: await credentialDeliveries(ctx, credential.id),
      canChange: can(session.principal, "credentials:status", program === null ? {} : { program }),
      ...view,
    }),
    status,
  );
}

function renderIssue(c: Context<ConsoleEnv>, form: IssueForm, errors: FormErrors, status: ContentfulStatusCode = 200) {
  return sendConsolePage(
    c,
    IssueCredentialPage({
      chrome: chromeOf(c, sessionOf(c)),
      certifications: certificationsWith(c, "credentials:issue"),
      form,
      errors,
    }),
    status,
  );
}

const SCHEMAS = {
  revoke: RevokeRequestSchema,
  suspend: SuspendRequestSchema,
  reinstate: ReinstateRequestSchema,
} as const;

/** Runs one lifecycle action through the admin API's service; the credential to show afterwards. */
async function applyAction(
  c: Context<ConsoleEnv>,
  action: LifecycleAction,
  credentialId: string,
  form: LifecycleForm,
): Promise<string> {
  const ctx = c.get("ctx");
  const actor = sessionOf(c).principal.actor;
  if (action === "reissue") {
    const parsed = ReissueRequestSchema.safeParse({
      reason: form.reason,
      recipient: { name: form.name?.trim() || undefined, email: form.email?.trim() || undefined },
    });
    if (!parsed.success) {
      throw formRefusal(
        formErrorsOfZod(
          parsed.error,
          { reason: "reason", "recipient.name": "name", "recipient.email": "email" },
          "name",
        ),
      );
    }
    const result = await reissueCredential(ctx, { credentialId, ...parsed.data, actor });
    return result.credential.id;
  }
  const body =
    action === "reinstate" ? { reason: form.reason } : { reason: form.reason, reasonPublic: form.reasonPublic };
  const parsed = SCHEMAS[action].safeParse(body);
  if (!parsed.success) {
    throw formRefusal(formErrorsOfZod(parsed.error, { reason: "reason" }, "reason"));
  }
  const input = { credentialId, ...(parsed.data as { reason: string; reasonPublic?: boolean }), actor };
  if (action === "revoke") {
    await revokeCredential(ctx, input);
  } else if (action === "suspend") {
    await suspendCredential(ctx, input);
  } else {
    await reinstateCredential(ctx, { credentialId, reason: input.reason, actor });
  }
  return credentialId;
}

/** A form's refusal before any service ran: field errors only. */
function formRefusal(errors: FormErrors): AppError {
  return new AppError("VALIDATION_FAILED", Object.values(errors).join("; "), {
    errors: Object.entries(errors).map(([path, message]) => ({ path, message })),
  });
}

const DONE: Record<LifecycleAction, string> = {
  revoke: "revoked",
  suspend: "suspended",
  reinstate: "reinstated",
  reissue: "reissued",
};

/**
 * Credentials: the list (credentials:read, only the programs the account may read), one credential with its history
 * and deliveries, the lifecycle actions (credentials:status for its program) and issuing by hand (credentials:issue
 * for the certification's program), all through the admin API's services.
 */
export function registerCredentialPages(app: Hono<ConsoleEnv>): void {
  app.get("/credentials", requirePermission("credentials:read", { anyProgram: true }), async (c) => {
    const session = sessionOf(c);
    const certifications = certificationsWith(c, "credentials:read");
    const filters: CredentialFilters = {};
    const errors: Record<string, string> = {};
    const achievementId = c.req.query("achievementId")?.trim() ?? "";
    if (achievementId !== "") {
      filters.achievementId = achievementId.slice(0, 200);
      if (!certifications.some((entry) => entry.id === achievementId)) {
        errors.achievementId = "is not a certification whose credentials you may read";
      }
    }
    const state = c.req.query("state")?.trim() ?? "";
    if (state !== "") {
      filters.state = state.slice(0, 20);
      if (!(LISTED_STATES as readonly string[]).includes(state)) {
        errors.state = `must be one of ${LISTED_STATES.join(", ")}`;
      }
    }
    const emailText = c.req.query("email") ?? "";
    let email: string | undefined;
    // an empty field filters nothing (what the schema makes of it), without running the schema on every page
    if (emailText.trim() !== "") {
      filters.email = emailText.trim().slice(0, 320);
      const parsed = OptionalFormEmailSchema.safeParse(emailText);
      if (parsed.success) {
        email = parsed.data;
      } else {
        errors.email = fieldErrors(parsed.error)[0]?.message ?? "must be a valid email address";
      }
    }
    const cursor = c.req.query("cursor");
    if (cursor !== undefined && (cursor.length === 0 || cursor.length > 500)) {
      errors.email ??= "the page link is not valid: filter again";
    }
    const base = {
      chrome: chromeOf(c, session),
      filters,
      certifications,
      canIssue: canSome(session.principal, "credentials:issue"),
    };
    if (Object.keys(errors).length > 0) {
      return sendConsolePage(c, CredentialsPage({ ...base, rows: [], olderHref: null, paged: false, errors }), 400);
    }
    let page: Awaited<ReturnType<typeof listCredentialSummaryPage>>;
    try {
      page = await listCredentialSummaryPage(c.get("ctx"), {
        programs: programsWith(session.principal, "credentials:read"),
        achievementId: filters.achievementId,
        email,
        state: filters.state as ListedState | undefined,
        limit: PAGE_SIZE,
        cursor,
      });
    } catch (error) {
      if (error instanceof AppError && error.code === "VALIDATION_FAILED") {
        const shown = { email: "the page link is not valid: filter again" };
        return sendConsolePage(
          c,
          CredentialsPage({ ...base, rows: [], olderHref: null, paged: false, errors: shown }),
          400,
        );
      }
      throw error;
    }
    return sendConsoleBytes(
      c,
      credentialsPageBytes({
        ...base,
        rows: page.items,
        olderHref: page.nextCursor === null ? null : credentialsHref(filters, page.nextCursor),
        paged: cursor !== undefined,
        errors: {},
      }),
    );
  });

  app.get("/credentials/new", requirePermission("credentials:issue", { anyProgram: true }), (c) =>
    renderIssue(c, {}, {}),
  );

  app.post("/credentials/new", requirePermission("credentials:issue", { anyProgram: true }), async (c) => {
    const form = await readForm(c);
    const values: IssueForm = {
      achievementId: form.text("achievementId"),
      email: form.text("email"),
      name: form.text("name"),
    };
    const parsed = IssueCredentialRequestSchema.safeParse({
      achievementId: values.achievementId,
      recipient: { email: values.email, name: values.name },
    });
    if (!parsed.success) {
      const errors = formErrorsOfZod(
        parsed.error,
        { achievementId: "achievementId", "recipient.email": "email", "recipient.name": "name" },
        "achievementId",
      );
      if (values.achievementId === "") {
        errors.achievementId = "choose a certification";
      }
      return renderIssue(c, values, errors, 400);
    }
    const entry = c.get("ctx").catalog.get(parsed.data.achievementId);
    if (!entry) {
      return renderIssue(c, values, { achievementId: `unknown achievement "${parsed.data.achievementId}"` }, 400);
    }
    if (!can(sessionOf(c).principal, "credentials:issue", { program: entry.program })) {
      throw new AppError(
        "FORBIDDEN",
        `Your roles do not allow this (it needs the "credentials:issue" permission for ${entry.program})`,
        { requiredPermission: "credentials:issue" },
      );
    }
    let id: string;
    try {
      const view = await issueCredentialByHand(c.get("ctx"), { ...parsed.data, actor: sessionOf(c).principal.actor });
      id = view.id;
    } catch (error) {
      const errors = formErrorsOf(error, "achievementId");
      if (!errors) {
        throw error;
      }
      return renderIssue(c, values, errors, 400);
    }
    return c.redirect(`/console/credentials/${id}?done=issued`, 303);
  });

  app.get("/credentials/:id", requirePermission("credentials:read", { anyProgram: true }), async (c) => {
    const credential = await credentialFor(c, "credentials:read");
    return renderDetail(c, credential, { flash: FLASH[c.req.query("done") ?? ""] });
  });

  for (const action of ["revoke", "suspend", "reinstate", "reissue"] as const) {
    app.post(`/credentials/:id/${action}`, requirePermission("credentials:status", { anyProgram: true }), async (c) => {
      const credential = await credentialFor(c, "credentials:status");
      const raw = await readForm(c);
      const form: LifecycleForm = {
        reason: raw.text("reason"),
        reasonPublic: raw.text("reasonPublic") === "1",
        name: raw.text("name"),
        email: raw.text("email"),
      };
      let shown: string;
      try {
        shown = await applyAction(c, action, credential.id, form);
      } catch (error) {
        const errors = formErrorsOf(error, "reason");
        if (!errors) {
          throw error;
        }
        const status = (error as AppError).status as ContentfulStatusCode;
        const fresh = await getCredential(c.get("ctx"), credential.id);
        return renderDetail(c, fresh, { refused: { action, form, errors } }, status);
      }
      return c.redirect(`/console/credentials/${shown}?done=${DONE[action]}`, 303);
    });
  }
}
