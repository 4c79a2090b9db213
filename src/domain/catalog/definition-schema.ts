import { z } from "zod";
import { RuleSchema } from "../criteria/rule-schema.js";

/** OB 3.0 AchievementType vocabulary (STANDARDS.md §1.5), plus the `ext:` extension form. */
export const ACHIEVEMENT_TYPES = [
  "Achievement",
  "ApprenticeshipCertificate",
  "Assessment",
  "Assignment",
  "AssociateDegree",
  "Award",
  "Badge",
  "BachelorDegree",
  "Certificate",
  "CertificateOfCompletion",
  "Certification",
  "CommunityService",
  "Competency",
  "Course",
  "CoCurricular",
  "Degree",
  "Diploma",
  "DoctoralDegree",
  "Fieldwork",
  "GeneralEducationDevelopment",
  "JourneymanCertificate",
  "LearningProgram",
  "License",
  "Membership",
  "ProfessionalDoctorate",
  "QualityAssuranceCredential",
  "MasterCertificate",
  "MasterDegree",
  "MicroCredential",
  "ResearchDoctorate",
  "SecondarySchoolDiploma",
] as const;

const AchievementTypeSchema = z.union([
  z.enum(ACHIEVEMENT_TYPES),
  z.string().regex(/^ext:[A-Za-z0-9.\-_]+$/, "must be an OB 3.0 achievementType or ext:Name"),
]);

/** Badge artwork families (one per program, the technical one per level); each has its SVG in templates/badges/. */
export const BADGE_LEVELS = [
  "associate",
  "specialist",
  "professional",
  "trainer",
  "field-product",
  "field-accreditation",
  "migration",
] as const;
export type BadgeLevel = (typeof BADGE_LEVELS)[number];

const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lowercase letters, digits and single hyphens");
const text = z.string().trim().min(1, "must not be empty");
const httpsUrl = z.url({ protocol: /^https?$/, error: "must be an http(s) URL" });

const AlignmentSchema = z.strictObject({
  targetName: text,
  targetUrl: httpsUrl,
  targetDescription: text.optional(),
  targetFramework: text.optional(),
  targetCode: text.optional(),
  targetType: text.optional(),
});

/**
 * Recertification windows: each opens on the first day of a listed fiscal quarter (the fiscal year's first month
 * is configuration) and stays open `windowDays` days; credentials then last until the next window closes.
 */
const RenewalSchema = z.strictObject({
  fiscalQuarters: z
    .array(z.number().int().min(1).max(4))
    .min(1)
    .refine((q) => new Set(q).size === q.length, "list each quarter once"),
  windowDays: z.number().int().min(1).max(89),
});

/** Longest gap, in months, between two consecutive windows of the cycle (quarters are three months apart). */
function longestGapMonths(quarters: number[]): number {
  const sorted = [...quarters].sort();
  return Math.max(...sorted.map((q, i) => (((sorted[(i + 1) % sorted.length] ?? q) - q + 4) % 4 || 4) * 3));
}

/**
 * A validity period: the credential's validUntil is validFrom plus this period, or, with `renewal`, the close of
 * the next renewal window (which must come round within `months`).
 */
const ValiditySchema = z
  .strictObject({
    months: z.number().int().min(1).max(600).optional(),
    days: z.number().int().min(1).max(36500).optional(),
    renewal: RenewalSchema.optional(),
  })
  .refine((v) => v.months !== undefined || v.days !== undefined, "give months or days")
  .refine((v) => !v.renewal || (v.months !== undefined && longestGapMonths(v.renewal.fiscalQuarters) <= v.months), {
    message: "renewal windows must come round within `months` (give months, at least the longest gap between windows)",
    path: ["renewal"],
  });

/**
 * One certification as defined in a file under templates/achievements/ (after variant expansion).
 * The `criteria.narrative` is what a person reads; machine-checkable rules join `criteria` later.
 */
export const AchievementDefinitionSchema = z.strictObject({
  id: slug,
  name: text,
  description: text,
  achievementType: AchievementTypeSchema.default("Certification"),
  program: text,
  level: z.enum(BADGE_LEVELS),
  humanCode: text.optional(),
  criteria: z.strictObject({
    narrative: text,
    /** The machine-checkable rule over evidence (see domain/criteria/rule-schema.ts). */
    rule: RuleSchema.optional(),
    /** When true, meeting the rule puts the award in the admins' approval queue instead of issuing it. */
    requiresApproval: z.boolean().default(false),
  }),
  /**
   * `label`: the words in the middle of the badge, for a family of certifications the variant (the role, the
   * course); absent, the name without a leading "GitLab Certified".
   */
  image: z.strictObject({ caption: text.optional(), label: text.optional() }).default({}),
  course: z.strictObject({ name: text, url: httpsUrl }).optional(),
  alignment: z.array(AlignmentSchema).default([]),
  tags: z.array(text).default([]),
  validity: ValiditySchema.optional(),
  /**
   * Whether its credentials can be suspended (and so carry a suspension status entry beside the revocation one).
   * Absent means false: OB 3.0 allows one `credentialStatus` object only, so a second entry is opt-in.
   */
  suspendable: z.boolean().optional(),
  /** E-mails to the holder when a credential is revoked or suspended: sent unless turned off here. */
  notices: z.strictObject({ revocation: z.boolean().optional(), suspension: z.boolean().optional() }).optional(),
});
export type AchievementDefinition = z.infer<typeof AchievementDefinitionSchema>;

/** Values substituted into `{param.field}` placeholders, one achievement per entry. */
const VariantValueSchema = z
  .record(z.string(), z.string())
  .refine((v) => typeof v.id === "string" && /^[a-z0-9]+(?:-[a-z0-9]+)*$/.test(v.id), {
    message: "each variant needs an `id` slug",
  });

/** A definition file: a single achievement, or a parameterised one with `variants`. */
export const DefinitionFileSchema = z
  .object({
    variants: z
      .strictObject({
        param: z.string().regex(/^[a-z][a-zA-Z0-9]*$/, "must be an identifier"),
        values: z.array(VariantValueSchema).min(1),
      })
      .optional(),
  })
  .loose();
export type DefinitionFile = z.infer<typeof DefinitionFileSchema>;
