import type { Context, Hono, MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { can, canSome } from "../../domain/access.js";
import { AppError } from "../../errors.js";
import { RejectApprovalSchema } from "../../schemas/approvals.js";
import { type ApprovalView, approve, getApproval, listPendingApprovals, reject } from "../../services/approvals.js";
import { programOf } from "../../services/read-credentials.js";
import { type ApprovalRow, ApprovalsPage, type ApprovalsView } from "../pages/console/approvals-page.js";
import { fieldErrors } from "../problem.js";
import type { ConsoleEnv } from "./console-env.js";
import { readForm } from "./form-data.js";
import { sendConsolePage } from "./render.js";
import { chromeOf, requirePermission, requireSession, sessionOf } from "./session.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** "2026-03-02 09:30 UTC". */
function when(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * Who may see the queue: whoever decides approvals for a program, or reads its credentials (an auditor reads it, and
 * changes nothing); else a 403 page.
 */
function mayReadQueue(): MiddlewareHandler<ConsoleEnv> {
  const signedIn = requireSession();
  return (c, next) =>
    signedIn(c, async () => {
      const principal = c.get("session")?.principal ?? null;
      if (!canSome(principal, "approvals:decide") && !canSome(principal, "credentials:read")) {
        throw new AppError("FORBIDDEN", 'Your roles do not allow this (it needs the "approvals:decide" permission)', {
          requiredPermission: "approvals:decide",
        });
      }
      await next();
    });
}

/** May this session see (read) or decide this approval, by its certification's program. */
function access(c: Context<ConsoleEnv>, approval: ApprovalView) {
  const principal = sessionOf(c).principal;
  const program = programOf(c.get("ctx"), approval.certification);
  const on = program === undefined ? {} : { program };
  return {
    program,
    read: can(principal, "approvals:decide", on) || can(principal, "credentials:read", on),
    decide: can(principal, "approvals:decide", on),
  };
}

async function renderQueue(
  c: Context<ConsoleEnv>,
  extra: Pick<ApprovalsView, "flash" | "refused"> = {},
  status: ContentfulStatusCode = 200,
): Promise<Response> {
  const session = sessionOf(c);
  const ctx = c.get("ctx");
  const rows: ApprovalRow[] = [];
  for (const approval of await listPendingApprovals(ctx)) {
    const allowed = access(c, approval);
    if (!allowed.read) {
      continue;
    }
    const entry = ctx.catalog.get(approval.certification);
    rows.push({
      id: approval.id,
      personName: approval.person.name,
      personEmail: approval.person.email,
      certification: {
        id: approval.certification,
        name: entry?.name ?? approval.certification,
        program: allowed.program ?? "no program",
      },
      queuedAt: when(approval.createdAt),
      canDecide: allowed.decide,
    });
  }
  return sendConsolePage(
    c,
    ApprovalsPage({
      chrome: chromeOf(c, session),
      rows,
      ...extra,
      canReadCredentials: canSome(session.principal, "credentials:read"),
    }),
    status,
  );
}

/** The approval of the path, if this session may decide it (approvals:decide for its program): else 404 / 403. */
async function decidable(c: Context<ConsoleEnv>): Promise<ApprovalView> {
  const id = c.req.param("id") ?? "";
  if (!UUID.test(id)) {
    throw new AppError("NOT_FOUND", `No approval "${id.slice(0, 100)}"`);
  }
  const approval = await getApproval(c.get("ctx"), id.toLowerCase());
  const allowed = access(c, approval);
  if (!allowed.decide) {
    throw new AppError(
      "FORBIDDEN",
      `Your roles do not allow this (it needs the "approvals:decide" permission for ${allowed.program ?? "every program"})`,
      { requiredPermission: "approvals:decide" },
    );
  }
  return approval;
}

/** A decision the queue shows again instead of a page of its own: an approval decided meanwhile (409). */
function conflictOf(error: unknown): AppError | null {
  return error instanceof AppError && error.code === "CONFLICT" ? error : null;
}

/**
 * Approvals: the queue of awards waiting for approval in the programs this account decides (or reads), approve
 * (issues the credential, as POST /admin/approvals/<id>/approve does) and reject with a reason, each needing
 * approvals:decide for the award's program.
 */
export function registerApprovalPages(app: Hono<ConsoleEnv>): void {
  const decide = requirePermission("approvals:decide", { anyProgram: true });

  app.get("/approvals", mayReadQueue(), async (c) => {
    const done = c.req.query("done");
    const credential = c.req.query("credential") ?? "";
    const flash =
      done === "approved"
        ? {
            message: "Approved: the credential has been issued.",
            ...(UUID.test(credential) ? { credentialId: credential } : {}),
          }
        : done === "rejected"
          ? { message: "Rejected: no credential was issued, and the reason is in the audit log." }
          : undefined;
    return renderQueue(c, flash ? { flash } : {});
  });

  app.post("/approvals/:id/approve", decide, async (c) => {
    const approval = await decidable(c);
    let credentialId: string;
    try {
      credentialId = (await approve(c.get("ctx"), approval.id, sessionOf(c).principal.actor)).credentialId;
    } catch (error) {
      const conflict = conflictOf(error);
      if (!conflict) {
        throw error;
      }
      return renderQueue(c, { refused: { id: approval.id, reason: "", errors: { _form: conflict.message } } }, 409);
    }
    return c.redirect(`/console/approvals?done=approved&credential=${credentialId}`, 303);
  });

  app.post("/approvals/:id/reject", decide, async (c) => {
    const approval = await decidable(c);
    const reason = (await readForm(c)).text("reason");
    const parsed = RejectApprovalSchema.safeParse({ reason });
    if (!parsed.success) {
      const message = fieldErrors(parsed.error)[0]?.message ?? "must not be empty";
      return renderQueue(c, { refused: { id: approval.id, reason, errors: { reason: message } } }, 400);
    }
    try {
      await reject(c.get("ctx"), approval.id, sessionOf(c).principal.actor, parsed.data.reason);
    } catch (error) {
      const conflict = conflictOf(error);
      if (!conflict) {
        throw error;
      }
      return renderQueue(c, { refused: { id: approval.id, reason, errors: { _form: conflict.message } } }, 409);
    }
    return c.redirect("/console/approvals?done=rejected", 303);
  });
}
