import type { Role, RoleGrant } from "../../../domain/access.js";

/** Each role in words, as the users page and the overview say it. */
export const ROLE_WORDS: Record<Role, { label: string; does: string }> = {
  admin: { label: "Administrator", does: "everything: credentials, evidence, approvals, users, API keys, the catalog" },
  "program-manager": {
    label: "Program manager",
    does: "issue, revoke, suspend, reinstate and reissue credentials, decide approvals, read evidence",
  },
  grader: { label: "Grader", does: "record and read evidence" },
  auditor: { label: "Auditor", does: "read everything, change nothing" },
};

/** One grant in words: "Grader for GitLab Technical Certifications, grading as ps-engineer". */
export function grantWords(grant: RoleGrant): string {
  const scope = grant.program ? `for ${grant.program}` : "for every program";
  const grading = grant.graderRole ? `, grading as ${grant.graderRole}` : "";
  return `${ROLE_WORDS[grant.role].label} ${scope}${grading}`;
}
