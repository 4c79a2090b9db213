/** API key scopes; `admin` is the admin role (every permission), the others one permission each (domain/access.ts). */
export const SCOPES = [
  "admin",
  "credentials:issue",
  "credentials:read",
  /** Revoke, suspend, reinstate and reissue credentials. */
  "credentials:status",
  "evidence:write",
  "evidence:read",
  /** Read the events outbox. */
  "events:read",
  /** Claim and acknowledge events (a delivery channel such as webhooks or email). */
  "events:deliver",
  /** Read the audit log. */
  "audit:read",
  /** List the awards waiting for approval, approve or reject them (the console's approvals:decide). */
  "approvals:decide",
  /** Register, list and delete webhook endpoints, and read their delivery logs. */
  "webhooks:manage",
  /** Reload the catalog's definition files on the node that answers (POST /admin/catalog/reload). */
  "catalog:reload",
] as const;
export type Scope = (typeof SCOPES)[number];
