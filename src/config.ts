import { z } from "zod";
import { checkEmail } from "./domain/email.js";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const optionalText = z.string().trim().min(1).optional();

const PublicUrlSchema = z
  .url({ error: "must be an absolute URL such as https://badges.example.org" })
  .transform((value) => new URL(value))
  .refine((url) => url.pathname === "/" && !url.search && !url.hash, {
    error: "must be an origin only (no path, query or fragment)",
  })
  .refine((url) => url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname)), {
    error: "must use https (plain http is allowed only for localhost)",
  })
  .transform((url) => url.origin);

/** Every environment variable the service reads, with its default (only main.ts and cli/ pass the environment in). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  LAUREL_PUBLIC_URL: PublicUrlSchema.optional(),
  LAUREL_DB_PATH: z.string().trim().min(1).default("data/laurel.db"),
  LAUREL_KEYS_DIR: z.string().trim().min(1).default("keys"),
  LAUREL_TEMPLATES_DIR: z.string().trim().min(1).default("templates"),
  LAUREL_ISSUER_NAME: z.string().trim().min(1).default("Laurel Demo Issuer"),
  LAUREL_ISSUER_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  LAUREL_ISSUER_EMAIL: z
    .string()
    .refine((value) => checkEmail(value).ok, "must be an email address")
    .transform((value) => value.trim())
    .optional(),
  LAUREL_ISSUER_IMAGE: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  LAUREL_ISSUER_DESCRIPTION: optionalText,
  LAUREL_LINKEDIN_ORG_ID: z
    .string()
    .regex(/^\d{1,12}$/, "must be the numeric LinkedIn organisation id")
    .optional(),
  LAUREL_MAX_BODY_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(1_048_576),
  LAUREL_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  LAUREL_EXPIRY_REMINDER_DAYS: z
    .string()
    .default("60,30,7")
    .transform((v) => v.split(",").map((d) => d.trim()))
    .refine((days) => days.every((d) => /^[1-9][0-9]{0,3}$/.test(d)), {
      error: "must be a comma-separated list of whole days between 1 and 9999, e.g. 60,30,7",
    })
    .transform((days) => [...new Set(days.map(Number))].sort((a, b) => b - a)),
  LAUREL_AWARD_SWEEP_SECONDS: z.coerce.number().int().min(10).max(86_400).default(300),
  LAUREL_FISCAL_YEAR_START_MONTH: z.coerce.number().int().min(1).max(12).default(2),
  LAUREL_VERIFY_REMOTE: z
    .enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  LAUREL_VERIFY_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).max(100_000_000).default(5_242_880),
  LAUREL_VERIFY_MAX_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).default(40_000_000),
  LAUREL_VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(60),
  LAUREL_TRUST_PROXY: z
    .enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  LAUREL_CACHE_CREDENTIALS: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  LAUREL_CACHE_FILES: z.coerce.number().int().min(1).max(100_000).default(500),
  LAUREL_SIGNING_THREADS: z.coerce.number().int().min(0).max(256).optional(),
});

export type IssuerSettings = {
  name: string;
  url: string;
  email?: string;
  image: string;
  description?: string;
  linkedInOrganizationId?: string;
};

/** Limits of the public verifier (uploads, remote key and status resolution, rate limit). */
export type VerifySettings = {
  /** Resolve did:web, https key documents and other issuers' status lists over the network (off by default). */
  remoteResolution: boolean;
  maxUploadBytes: number;
  /** Largest width × height a PNG may declare; pixels are never decoded, the header alone is checked. */
  maxPixels: number;
  /** Verification requests per client IP per minute. */
  rateLimitPerMinute: number;
  /** Behind one reverse proxy: take the client IP from the last X-Forwarded-For entry, not the socket. */
  trustProxy: boolean;
};

/** How much the service keeps in memory (see ServiceState in services/deps.ts). */
export type CacheSettings = {
  /** Stored credentials whose proof check, page parts (QR code, short link) and rendered page are kept. */
  credentials: number;
  /** Rendered share cards and certificates kept (badge PNGs are few, one per artwork version and mark, all kept). */
  renderedFiles: number;
};

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  dbPath: string;
  keysDir: string;
  templatesDir: string;
  issuer: IssuerSettings;
  maxBodyBytes: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** Days before expiry at which `credential.expiring` events are emitted, largest first. */
  expiryReminderDays: number[];
  /** How often (seconds) people whose evaluation is due (evidence stored, award not completed) are evaluated. */
  awardSweepSeconds: number;
  /** First month (1-12) of the fiscal year: recertification windows open on its quarters. */
  fiscalYearStartMonth: number;
  verify: VerifySettings;
  caches: CacheSettings;
  /** Worker threads that sign credentials (0: the main thread signs); unset: one per core this process may use. */
  signingThreads: number | undefined;
};

/** Thrown when the environment is invalid; the message names every offending variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Parses the environment once, failing fast with every problem named by its variable. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  // An empty variable means "not set", as shells and .env files commonly produce.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  const publicUrl = e.LAUREL_PUBLIC_URL ?? `http://localhost:${e.PORT}`;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl,
    dbPath: e.LAUREL_DB_PATH,
    keysDir: e.LAUREL_KEYS_DIR,
    templatesDir: e.LAUREL_TEMPLATES_DIR,
    issuer: {
      name: e.LAUREL_ISSUER_NAME,
      url: e.LAUREL_ISSUER_URL ?? publicUrl,
      email: e.LAUREL_ISSUER_EMAIL,
      image: e.LAUREL_ISSUER_IMAGE ?? `${publicUrl}/public/issuer-logo.svg`,
      description: e.LAUREL_ISSUER_DESCRIPTION,
      linkedInOrganizationId: e.LAUREL_LINKEDIN_ORG_ID,
    },
    maxBodyBytes: e.LAUREL_MAX_BODY_BYTES,
    logLevel: e.LAUREL_LOG_LEVEL,
    expiryReminderDays: e.LAUREL_EXPIRY_REMINDER_DAYS,
    awardSweepSeconds: e.LAUREL_AWARD_SWEEP_SECONDS,
    fiscalYearStartMonth: e.LAUREL_FISCAL_YEAR_START_MONTH,
    verify: {
      remoteResolution: e.LAUREL_VERIFY_REMOTE,
      maxUploadBytes: e.LAUREL_VERIFY_MAX_UPLOAD_BYTES,
      maxPixels: e.LAUREL_VERIFY_MAX_PIXELS,
      rateLimitPerMinute: e.LAUREL_VERIFY_RATE_LIMIT,
      trustProxy: e.LAUREL_TRUST_PROXY,
    },
    caches: { credentials: e.LAUREL_CACHE_CREDENTIALS, renderedFiles: e.LAUREL_CACHE_FILES },
    signingThreads: e.LAUREL_SIGNING_THREADS,
  };
}
