import type { Ob3Achievement } from "../achievement.js";
import type { Ob3Evidence, Ob3Result } from "../criteria/decision.js";
import type { IssuerProfile } from "../issuer.js";
import type { StatusListEntry } from "../status/status-list-credential.js";
import { buildOpenBadgeCredential, type UnsignedCredential } from "./build.js";
import { recipientIdentifiers } from "./identity.js";

/**
 * What one OpenBadgeCredential of a batch is built from (buildOpenBadgeCredential's input), the parts a batch shares
 * left out: its issuer Profile and its certifications' Achievements, named by their place in the batch's
 * `achievements`. The recipient's identifiers are made from the recipient and the salt drawn for them.
 */
export type CredentialRecipe = {
  id: string;
  achievement: number;
  recipient: { email: string; name: string };
  salt: string;
  validFrom: Date;
  validUntil?: Date;
  awardedDate?: Date;
  evidence?: Ob3Evidence[];
  results?: Ob3Result[];
  credentialStatus?: StatusListEntry | StatusListEntry[];
};

/**
 * The credentials of a batch as recipes: what a signing worker is sent to build them itself (a few hundred bytes each
 * and the shared parts once, where the built documents cost the thread that sends them their building and their copy,
 * 4 KB each).
 */
export type CredentialRecipes = { issuer: IssuerProfile; achievements: Ob3Achievement[]; recipes: CredentialRecipe[] };

/** The unsigned credential of a recipe: buildOpenBadgeCredential of it, with the batch's shared parts. */
export function buildFromRecipe(
  shared: Pick<CredentialRecipes, "issuer" | "achievements">,
  recipe: CredentialRecipe,
): UnsignedCredential {
  const achievement = shared.achievements[recipe.achievement];
  if (achievement === undefined) {
    throw new Error(`credential ${recipe.id} names achievement ${recipe.achievement}, not in its batch`);
  }
  return buildOpenBadgeCredential({
    id: recipe.id,
    issuer: shared.issuer,
    achievement,
    identifiers: recipientIdentifiers(recipe.recipient, recipe.salt),
    validFrom: recipe.validFrom,
    validUntil: recipe.validUntil,
    awardedDate: recipe.awardedDate,
    evidence: recipe.evidence,
    results: recipe.results,
    credentialStatus: recipe.credentialStatus,
  });
}

/** Every credential of a batch of recipes, built (in the recipes' order). */
export function buildFromRecipes(batch: CredentialRecipes): UnsignedCredential[] {
  return batch.recipes.map((recipe) => buildFromRecipe(batch, recipe));
}
