import { z } from "zod";
import { ROLES } from "./domain/access.js";
import { checkEmail } from "./domain/email.js";

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

const optionalText = z.string().trim().min(1).optional();

const GrantSchema = z.strictObject({
  role: z.enum(ROLES),
  program: z.string().trim().min(1).optional(),
  graderRole: z.string().trim().min(1).optional(),
});

/**
 * LAUREL_OIDC_ROLES: which grants a single sign-on gives. `claims`: claim name → claim value → grants (a claim may be
 * a string or a list of strings, e.g. `groups`); `domains`: the e-mail address's domain → grants. Every match adds up.
 */
const SsoRoleMappingSchema = z.strictObject({
  claims: z.record(z.string().min(1), z.record(z.string().min(1), z.array(GrantSchema))).default({}),
  domains: z.record(z.string().min(1), z.array(GrantSchema)).default({}),
});
export type SsoRoleMapping = z.infer<typeof SsoRoleMappingSchema>;

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

/**
 * A PostgreSQL connection URL (`postgres://user:password@host:5432/laurel`): its scheme, a host and a database name.
 * Messages never repeat the URL, which may carry a password.
 */
const DatabaseUrlSchema = z
  .string()
  .trim()
  .refine((value) => URL.canParse(value), {
    error: "must be a URL such as postgres://laurel@db.example.org/laurel",
    abort: true,
  })
  .transform((value) => new URL(value))
  .refine((url) => url.protocol === "postgres:" || url.protocol === "postgresql:", {
    error: "must be a postgres:// (or postgresql://) URL",
  })
  .refine((url) => url.hostname !== "" || url.searchParams.has("host"), { error: "must name the database host" })
  .refine((url) => url.pathname.length > 1, { error: "must name the database (postgres://host/<database>)" })
  .transform((url) => url.href);

/** smtp:// or smtps:// with a host (user and password may be in it: the URL is never logged or echoed). */
const SmtpUrlSchema = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (url.protocol === "smtp:" || url.protocol === "smtps:") && url.hostname.length > 0;
      } catch {
        return false;
      }
    },
    { error: "must be an smtp:// or smtps:// URL such as smtps://user:password@mail.example.org:465" },
  );

const EmailSchema = z
  .string()
  .refine((value) => checkEmail(value).ok, "must be an email address")
  .transform((value) => value.trim());

/** Host names (or IP addresses) webhooks may reach although they are private or plain http: the operator's choice. */
const HostListSchema = z
  .string()
  .transform((v) =>
    v
      .split(",")
      .map((h) =>
        h
          .trim()
          .toLowerCase()
          .replace(/^\[|\]$/g, ""),
      )
      .filter((h) => h.length > 0),
  )
  .refine((hosts) => hosts.every((h) => /^[a-z0-9.:-]{1,253}$/.test(h)), {
    error: "must be a comma-separated list of host names or IP addresses (no scheme, port or path)",
  });

/** Every environment variable the service reads, with its default (only main.ts and cli/ pass the environment in). */
const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  HOST: z.string().trim().min(1).default("127.0.0.1"),
  LAUREL_PUBLIC_URL: PublicUrlSchema.optional(),
  LAUREL_DB_PATH: z.string().trim().min(1).default("data/laurel.db"),
  LAUREL_DATABASE_URL: DatabaseUrlSchema.optional(),
  LAUREL_DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(1000).default(10),
  LAUREL_KEYS_DIR: z.string().trim().min(1).default("keys"),
  LAUREL_TEMPLATES_DIR: z.string().trim().min(1).default("templates"),
  LAUREL_ISSUER_NAME: z.string().trim().min(1).default("Laurel Demo Issuer"),
  LAUREL_ISSUER_URL: z.url({ protocol: /^https?$/, error: "must be an http(s) URL" }).optional(),
  LAUREL_ISSUER_EMAIL: EmailSchema.optional(),
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
  LAUREL_JOBS_MAX_UPLOAD_BYTES: z.coerce.number().int().min(1024).max(1_000_000_000).default(67_108_864),
  LAUREL_VERIFY_MAX_PIXELS: z.coerce.number().int().min(1).max(1_000_000_000).default(40_000_000),
  LAUREL_VERIFY_RATE_LIMIT: z.coerce.number().int().min(1).max(100_000).default(60),
  LAUREL_TRUST_PROXY: z
    .enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' })
    .default("false")
    .transform((v) => v === "true" || v === "1"),
  LAUREL_KEYS_CHECK_SECONDS: z.coerce.number().int().min(0).max(3600).default(5),
  LAUREL_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(25),
  LAUREL_CACHE_CREDENTIALS: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  LAUREL_CACHE_FILES: z.coerce.number().int().min(1).max(100_000).default(500),
  LAUREL_SMTP_URL: SmtpUrlSchema.optional(),
  LAUREL_MAIL_FROM: EmailSchema.optional(),
  LAUREL_MAIL_REPLY_TO: EmailSchema.optional(),
  LAUREL_WEBHOOK_ALLOW_HOSTS: HostListSchema.optional(),
  LAUREL_DELIVERY_RETRY_HOURS: z.coerce.number().int().min(1).max(720).default(72),
  LAUREL_DELIVERY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(20),
  LAUREL_DELIVERY_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  LAUREL_DELIVERY_POLL_MS: z.coerce.number().int().min(50).max(600_000).default(1000),
  LAUREL_LEASE_SECONDS: z.coerce.number().int().min(2).max(3600).default(30),
  LAUREL_ADMIN_EMAIL: z
    .string()
    .refine((value) => checkEmail(value).ok, "must be an email address")
    .transform((value) => value.trim())
    .default("admin@laurel.local"),
  LAUREL_SESSION_IDLE_MINUTES: z.coerce.number().int().min(1).max(1440).default(30),
  LAUREL_SESSION_MAX_HOURS: z.coerce.number().int().min(1).max(720).default(12),
  LAUREL_OIDC_ISSUER: z
    .url({ error: "must be the identity provider's issuer URL, such as https://gitlab.example.org" })
    .refine(
      (value) => {
        const url = new URL(value);
        return url.protocol === "https:" || (url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname));
      },
      { error: "must use https (plain http is allowed only for localhost)" },
    )
    .optional(),
  LAUREL_OIDC_CLIENT_ID: optionalText,
  LAUREL_OIDC_CLIENT_SECRET: optionalText,
  LAUREL_OIDC_ROLES: z
    .string()
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "must be JSON (see README: Console, single sign-on)" });
        return z.NEVER;
      }
    })
    .pipe(SsoRoleMappingSchema)
    .optional(),
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

/** The built-in delivery channels: e-mail (SMTP, or the local mail outbox) and webhooks. */
export type DeliverySettings = {
  /** Where e-mail is sent; absent: every message is kept in the local mail outbox (GET /admin/mail). */
  smtpUrl?: string;
  /** The From address (the issuer's name is its display name) and the optional Reply-To. */
  mailFrom: string;
  mailReplyTo?: string;
  /** Hosts webhooks may reach at private addresses or over plain http (tests: their loopback receiver). */
  webhookAllowHosts: string[];
  /** How long a message that keeps failing temporarily is retried; an endpoint failing that long is disabled. */
  retryHorizonHours: number;
  /** Attempts after which a message that keeps failing temporarily is given up (dead-lettered: state failed). */
  maxAttempts: number;
  /** How long a worker holds the events and messages it took (one that dies leaves them to others after this). */
  leaseSeconds: number;
  /** How long an idle worker waits before looking for work again. */
  pollMs: number;
};

/** The console's accounts and sessions (issue 14). */
export type ConsoleSettings = {
  /** The first admin account's sign-in email (created at first start, its password in keys/). */
  adminEmail: string;
  /** A session ends after this long unused… */
  sessionIdleMs: number;
  /** …and this long after sign-in, whatever happens. */
  sessionMaxMs: number;
  /** Single sign-on with OpenID Connect, when configured. */
  sso?: { issuer: string; clientId: string; clientSecret: string; roles: SsoRoleMapping };
};

export type Config = {
  port: number;
  host: string;
  publicUrl: string;
  /** The SQLite database file (when `databaseUrl` is not set). */
  dbPath: string;
  /** PostgreSQL (several nodes): the connection URL and the pool's size; unset: the SQLite file `dbPath`. */
  databaseUrl?: string;
  databasePoolSize: number;
  keysDir: string;
  /**
   * How long (seconds) a node trusts its loaded keys before asking the database which key generation is the newest
   * recorded (a rotation on another node); 0 asks every time.
   */
  keysCheckSeconds: number;
  /** How long (seconds) a stopping server waits for requests in flight before closing their connections. */
  shutdownTimeoutSeconds: number;
  templatesDir: string;
  issuer: IssuerSettings;
  maxBodyBytes: number;
  /** The largest bulk job file (`POST /admin/jobs`, raw or multipart body): 413 beyond. */
  jobsMaxUploadBytes: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
  /** Days before expiry at which `credential.expiring` events are emitted, largest first. */
  expiryReminderDays: number[];
  /** How often (seconds) people whose evaluation is due (evidence stored, award not completed) are evaluated. */
  awardSweepSeconds: number;
  /** First month (1-12) of the fiscal year: recertification windows open on its quarters. */
  fiscalYearStartMonth: number;
  verify: VerifySettings;
  caches: CacheSettings;
  delivery: DeliverySettings;
  console: ConsoleSettings;
  /** Worker threads that sign credentials (0: the main thread signs); unset: one per core this process may use. */
  signingThreads: number | undefined;
  /**
   * How long a node holds a periodic cluster job, or a bulk job it runs, without renewing: a node that died is
   * replaced after this long (the crash tests shorten it).
   */
  leaseSeconds: number;
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
    ...(e.LAUREL_DATABASE_URL ? { databaseUrl: e.LAUREL_DATABASE_URL } : {}),
    databasePoolSize: e.LAUREL_DATABASE_POOL_SIZE,
    keysDir: e.LAUREL_KEYS_DIR,
    keysCheckSeconds: e.LAUREL_KEYS_CHECK_SECONDS,
    shutdownTimeoutSeconds: e.LAUREL_SHUTDOWN_TIMEOUT_SECONDS,
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
    jobsMaxUploadBytes: e.LAUREL_JOBS_MAX_UPLOAD_BYTES,
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
    delivery: {
      smtpUrl: e.LAUREL_SMTP_URL,
      mailFrom: e.LAUREL_MAIL_FROM ?? e.LAUREL_ISSUER_EMAIL ?? `no-reply@${new URL(publicUrl).hostname}`,
      mailReplyTo: e.LAUREL_MAIL_REPLY_TO,
      webhookAllowHosts: e.LAUREL_WEBHOOK_ALLOW_HOSTS ?? [],
      retryHorizonHours: e.LAUREL_DELIVERY_RETRY_HOURS,
      maxAttempts: e.LAUREL_DELIVERY_MAX_ATTEMPTS,
      leaseSeconds: e.LAUREL_DELIVERY_LEASE_SECONDS,
      pollMs: e.LAUREL_DELIVERY_POLL_MS,
    },
    signingThreads: e.LAUREL_SIGNING_THREADS,
    leaseSeconds: e.LAUREL_LEASE_SECONDS,
    console: {
      adminEmail: e.LAUREL_ADMIN_EMAIL,
      sessionIdleMs: e.LAUREL_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: e.LAUREL_SESSION_MAX_HOURS * 3_600_000,
      sso: ssoSettings(e),
    },
  };
}

/** Single sign-on needs its issuer, client id and secret together; any one alone is a mistake worth stopping for. */
function ssoSettings(e: z.infer<typeof EnvSchema>): ConsoleSettings["sso"] {
  const given = [e.LAUREL_OIDC_ISSUER, e.LAUREL_OIDC_CLIENT_ID, e.LAUREL_OIDC_CLIENT_SECRET];
  if (given.every((value) => value === undefined)) {
    if (e.LAUREL_OIDC_ROLES !== undefined) {
      throw new ConfigError("Invalid configuration:\n  LAUREL_OIDC_ROLES: is set but single sign-on is not configured");
    }
    return undefined;
  }
  if (!e.LAUREL_OIDC_ISSUER || !e.LAUREL_OIDC_CLIENT_ID || !e.LAUREL_OIDC_CLIENT_SECRET) {
    const missing = ["LAUREL_OIDC_ISSUER", "LAUREL_OIDC_CLIENT_ID", "LAUREL_OIDC_CLIENT_SECRET"].filter(
      (_, i) => given[i] === undefined,
    );
    throw new ConfigError(
      `Invalid configuration:\n${missing.map((name) => `  ${name}: is required for single sign-on`).join("\n")}`,
    );
  }
  return {
    issuer: e.LAUREL_OIDC_ISSUER,
    clientId: e.LAUREL_OIDC_CLIENT_ID,
    clientSecret: e.LAUREL_OIDC_CLIENT_SECRET,
    roles: e.LAUREL_OIDC_ROLES ?? { claims: {}, domains: {} },
  };
}
