/** API key scopes; `admin` implies every other scope. */
export const SCOPES = ["admin", "credentials:issue", "credentials:read", "evidence:write", "evidence:read"] as const;
export type Scope = (typeof SCOPES)[number];

export function hasScope(granted: readonly string[], required: Scope): boolean {
  return granted.includes("admin") || granted.includes(required);
}
