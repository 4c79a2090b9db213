/** The types that make a credential an Open Badges 3.0 one (issuers use either name). */
export const OB_TYPES = ["OpenBadgeCredential", "AchievementCredential"];

/** True for an Open Badges 3.0 credential (`OpenBadgeCredential` or `AchievementCredential` among its types). */
export function isOpenBadgeCredential(credential: Record<string, unknown>): boolean {
  const types = Array.isArray(credential.type) ? credential.type : [credential.type];
  return types.some((t) => OB_TYPES.includes(t as string));
}
