import type { CredentialDisplay } from "./report.js";
import { isJsonObject } from "./safe-json.js";

type Json = Record<string, unknown>;

/** Longest string a display field keeps: the rest of a hostile credential is not worth rendering. */
const MAX_TEXT = 20_000;
const MAX_ITEMS = 50;

function text(value: unknown): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value.slice(0, MAX_TEXT) : undefined;
}

function object(value: unknown): Json | undefined {
  return isJsonObject(value) ? value : undefined;
}

function list(value: unknown): unknown[] {
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).slice(0, MAX_ITEMS);
}

/** An image as OB 3.0 (`{id, caption}`) or OB 2.0 (URL string or `{id}`) states it. */
function image(value: unknown): { url?: string; caption?: string } {
  if (typeof value === "string") {
    return { url: text(value) };
  }
  const o = object(value);
  return { url: text(o?.id), caption: text(o?.caption) };
}

/** Drops undefined members so the shape stays minimal and JSON-stable. */
function compact<T extends Json>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** What a page shows of an OB 3.0 credential: plain strings read from untrusted content (escaping is the page's). */
export function ob3Display(credential: Json): CredentialDisplay {
  const subject = object(
    Array.isArray(credential.credentialSubject) ? credential.credentialSubject[0] : credential.credentialSubject,
  );
  const achievement = object(subject?.achievement);
  const issuer = object(credential.issuer);
  const criteria = object(achievement?.criteria);
  const picture = image(achievement?.image ?? credential.image);
  const nameIdentity = list(subject?.identifier)
    .map(object)
    .find((i) => i?.identityType === "name" && i.hashed === false);
  const descriptions = list(achievement?.resultDescription).map(object);
  return compact({
    openBadgesVersion: "3.0" as const,
    id: text(credential.id),
    name: text(achievement?.name) ?? text(credential.name) ?? "Untitled credential",
    description: text(achievement?.description) ?? text(credential.description),
    achievementId: text(achievement?.id),
    achievementType: text(achievement?.achievementType),
    criteriaNarrative: text(criteria?.narrative),
    criteriaUrl: text(criteria?.id),
    imageUrl: picture.url,
    imageCaption: picture.caption,
    recipientName: text(nameIdentity?.identityHash) ?? text(subject?.name),
    issuer: compact({
      id: text(issuer?.id) ?? text(credential.issuer),
      name: text(issuer?.name),
      url: text(issuer?.url),
      imageUrl: image(issuer?.image).url,
      email: text(issuer?.email),
    }),
    issuedOn: text(credential.awardedDate) ?? text(credential.validFrom) ?? text(credential.issuanceDate),
    awardedDate: text(credential.awardedDate),
    validFrom: text(credential.validFrom) ?? text(credential.issuanceDate),
    validUntil: text(credential.validUntil) ?? text(credential.expirationDate),
    evidence: list(credential.evidence)
      .map(object)
      .filter((e): e is Json => e !== undefined)
      .map((e) =>
        compact({
          name: text(e.name),
          description: text(e.description),
          narrative: text(e.narrative),
          url: text(e.id),
        }),
      ),
    results: list(subject?.result)
      .map(object)
      .filter((r): r is Json => r !== undefined)
      .map((r) => {
        const described = descriptions.find((d) => d?.id === r.resultDescription);
        return compact({
          description: text(described?.name) ?? text(r.resultDescription),
          value: text(r.value) ?? text(r.achievedLevel),
          status: text(r.status),
          resultType: text(described?.resultType),
          valueMax: text(described?.valueMax),
        });
      }),
  });
}

/** What a page shows of an OB 2.0 assertion, with its BadgeClass and Issuer when embedded (or fetched). */
export function ob2Display(assertion: Json, badge?: Json, issuerProfile?: Json): CredentialDisplay {
  const badgeClass = badge ?? object(assertion.badge);
  const issuer = issuerProfile ?? object(badgeClass?.issuer);
  const criteria = object(badgeClass?.criteria);
  const picture = image(assertion.image ?? badgeClass?.image);
  return compact({
    openBadgesVersion: "2.0" as const,
    id: text(assertion.id),
    name: text(badgeClass?.name) ?? "Open Badges 2.0 badge",
    description: text(badgeClass?.description),
    achievementId: text(badgeClass?.id) ?? text(assertion.badge),
    criteriaNarrative: text(criteria?.narrative),
    criteriaUrl: text(criteria?.id) ?? text(badgeClass?.criteria),
    imageUrl: picture.url,
    imageCaption: picture.caption,
    issuer: compact({
      id: text(issuer?.id) ?? text(badgeClass?.issuer),
      name: text(issuer?.name),
      url: text(issuer?.url),
      imageUrl: image(issuer?.image).url,
      email: text(issuer?.email),
    }),
    issuedOn: text(assertion.issuedOn),
    validFrom: text(assertion.issuedOn),
    validUntil: text(assertion.expires),
    evidence: list(assertion.evidence).map((e) =>
      typeof e === "string"
        ? { url: text(e) }
        : compact({
            name: text(object(e)?.name),
            description: text(object(e)?.description),
            narrative: text(object(e)?.narrative),
            url: text(object(e)?.id),
          }),
    ),
    results: [],
  });
}
