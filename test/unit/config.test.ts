import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";

describe("loadConfig", () => {
  it("has embedded defaults for a local start", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      publicUrl: "http://localhost:3000",
      dbPath: "data/laurel.db",
      keysDir: "keys",
      templatesDir: "templates",
    });
    expect(config.issuer).toMatchObject({
      name: "Laurel Demo Issuer",
      url: "http://localhost:3000",
      image: "http://localhost:3000/public/issuer-logo.svg",
    });
  });

  it("derives the default public URL from PORT and reads the issuer profile", () => {
    const config = loadConfig({
      PORT: "8080",
      LAUREL_ISSUER_NAME: "Acme Academy",
      LAUREL_ISSUER_EMAIL: "certs@acme.example",
      LAUREL_LINKEDIN_ORG_ID: "1234567",
    });
    expect(config.publicUrl).toBe("http://localhost:8080");
    expect(config.issuer).toMatchObject({
      name: "Acme Academy",
      email: "certs@acme.example",
      linkedInOrganizationId: "1234567",
    });
  });

  it("treats empty variables as unset", () => {
    expect(loadConfig({ PORT: "", LAUREL_ISSUER_EMAIL: "" }).port).toBe(3000);
  });

  it.each([
    [{ PORT: "seventy" }, "PORT"],
    [{ PORT: "70000" }, "PORT"],
    [{ LAUREL_PUBLIC_URL: "http://badges.example.org" }, "LAUREL_PUBLIC_URL: must use https"],
    [{ LAUREL_PUBLIC_URL: "https://badges.example.org/some/path" }, "LAUREL_PUBLIC_URL: must be an origin only"],
    [{ LAUREL_PUBLIC_URL: "badges" }, "LAUREL_PUBLIC_URL"],
    [{ LAUREL_ISSUER_EMAIL: "nope" }, "LAUREL_ISSUER_EMAIL"],
    [{ LAUREL_ISSUER_IMAGE: "ftp://x/y.png" }, "LAUREL_ISSUER_IMAGE"],
    [{ LAUREL_LINKEDIN_ORG_ID: "acme" }, "LAUREL_LINKEDIN_ORG_ID"],
    [{ LAUREL_LOG_LEVEL: "chatty" }, "LAUREL_LOG_LEVEL"],
  ])("rejects %j naming the variable", (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });

  it("names every invalid variable at once", () => {
    expect(() => loadConfig({ PORT: "x", LAUREL_ISSUER_EMAIL: "y" })).toThrow(/PORT[\s\S]*LAUREL_ISSUER_EMAIL/);
  });

  it("accepts https origins and keeps the port", () => {
    expect(loadConfig({ LAUREL_PUBLIC_URL: "https://badges.example.org:8443/" }).publicUrl).toBe(
      "https://badges.example.org:8443",
    );
  });
});

describe("verifier configuration", () => {
  it("defaults to no network, 5 MB uploads, 40 megapixels and 60 requests a minute", () => {
    expect(loadConfig({}).verify).toEqual({
      remoteResolution: false,
      maxUploadBytes: 5_242_880,
      maxPixels: 40_000_000,
      rateLimitPerMinute: 60,
      trustProxy: false,
    });
    expect(loadConfig({ LAUREL_VERIFY_REMOTE: "true", LAUREL_TRUST_PROXY: "1" }).verify).toMatchObject({
      remoteResolution: true,
      trustProxy: true,
    });
  });

  it("names a bad value", () => {
    expect(() => loadConfig({ LAUREL_VERIFY_REMOTE: "yes" })).toThrow(/LAUREL_VERIFY_REMOTE/);
    expect(() => loadConfig({ LAUREL_VERIFY_MAX_UPLOAD_BYTES: "10" })).toThrow(/LAUREL_VERIFY_MAX_UPLOAD_BYTES/);
  });
});

describe("cache sizes", () => {
  it("keep 2,000 credentials' checks and pages and 500 rendered files unless told otherwise", () => {
    expect(loadConfig({}).caches).toEqual({ credentials: 2000, renderedFiles: 500 });
    expect(loadConfig({ LAUREL_CACHE_CREDENTIALS: "50", LAUREL_CACHE_FILES: "10" }).caches).toEqual({
      credentials: 50,
      renderedFiles: 10,
    });
  });

  it("names a size that is not a positive whole number", () => {
    expect(() => loadConfig({ LAUREL_CACHE_CREDENTIALS: "0" })).toThrow(/LAUREL_CACHE_CREDENTIALS/);
    expect(() => loadConfig({ LAUREL_CACHE_FILES: "lots" })).toThrow(/LAUREL_CACHE_FILES/);
  });
});

describe("cluster leases", () => {
  it("last 30 seconds unless told otherwise, and never less than 2", () => {
    expect(loadConfig({}).leaseSeconds).toBe(30);
    expect(loadConfig({ LAUREL_LEASE_SECONDS: "3" }).leaseSeconds).toBe(3);
    expect(() => loadConfig({ LAUREL_LEASE_SECONDS: "1" })).toThrow(/LAUREL_LEASE_SECONDS/);
  });
});
