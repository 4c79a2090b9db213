import { OB_V3_CONTEXT, VC_V2_CONTEXT } from "./contexts.js";

/** The issuer's did:web identifier for a public origin; a port is percent-encoded (`%3A`). */
export function didWebFor(publicUrl: string): string {
  const url = new URL(publicUrl);
  const host = url.port ? `${url.hostname}%3A${url.port}` : url.hostname;
  return `did:web:${host}`;
}

export type IssuerProfileSettings = {
  name: string;
  url: string;
  email?: string;
  image: string;
  description?: string;
};

export type IssuerProfile = {
  id: string;
  type: ["Profile"];
  name: string;
  url: string;
  email?: string;
  description?: string;
  image: { id: string; type: "Image"; caption: string };
};

/** The OB 3.0 issuer Profile embedded in every credential (STANDARDS.md §1.3). */
export function buildIssuerProfile(did: string, settings: IssuerProfileSettings): IssuerProfile {
  return {
    id: did,
    type: ["Profile"],
    name: settings.name,
    url: settings.url,
    ...(settings.email ? { email: settings.email } : {}),
    ...(settings.description ? { description: settings.description } : {}),
    image: { id: settings.image, type: "Image", caption: `${settings.name} logo` },
  };
}

/** The Profile as a standalone JSON-LD document, served at the issuer's profile URL. */
export function issuerProfileDocument(profile: IssuerProfile): Record<string, unknown> {
  return { "@context": [VC_V2_CONTEXT, OB_V3_CONTEXT], ...profile };
}
