import { mkdirSync, writeFileSync } from "node:fs";
import { beforeAll, describe, expect, it } from "vitest";
import { type CertificateData, renderCertificatePdf } from "../../src/baking/certificate-pdf.js";
import { svgToPng } from "../../src/baking/rasterize.js";
import { visualRuns } from "../../src/baking/text-layout.js";
import { extractText } from "../helpers/pdf.js";

const ID = "urn:uuid:0b5f3c9e-1d2a-4c1b-9a77-3f8e2d1c4b5a";
const VERIFY_URL = "https://badges.example.org/credentials/0b5f3c9e-1d2a-4c1b-9a77-3f8e2d1c4b5a";
let badgePng: Buffer;

beforeAll(async () => {
  badgePng = await svgToPng(
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 600 600"><path d="M300 34 L530 167 L530 433 L300 566 L70 433 L70 167 Z" fill="#3b1f7a" stroke="#d8c8f5" stroke-width="16"/><path d="M300 180 l42 85 94 14 -68 66 16 93 -84 -44 -84 44 16 -93 -68 -66 94 -14 z" fill="#d8c8f5"/></svg>`,
    { width: 600, height: 600 },
  );
  mkdirSync("test/output", { recursive: true });
});

function certificate(overrides: Partial<CertificateData> = {}): CertificateData {
  return {
    recipientName: "Ada Lovelace",
    achievementName: "GitLab Certified CI/CD Specialist",
    achievementDescription:
      "Demonstrates the ability to design, build and operate continuous integration and delivery pipelines with GitLab, including runners, environments, artifacts and security scanning.",
    issuerName: "Laurel Demo Issuer",
    issuedOn: "2 March 2026",
    expiresOn: "2 March 2029",
    credentialId: ID,
    verifyUrl: VERIFY_URL,
    badgePng,
    ...overrides,
  };
}

describe("certificate PDF", () => {
  it("is a one-page PDF with embedded DejaVu fonts", async () => {
    const pdf = await renderCertificatePdf(certificate());
    writeFileSync("test/output/certificate.pdf", pdf);
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    const text = pdf.toString("latin1");
    expect(text.match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
    expect(text).toMatch(/\/Count 1\b/);
    expect(text).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSans\b/);
    expect(text).toMatch(/\/FontName \/[A-Z]{6}\+DejaVuSerif-Bold\b/);
    expect(text).toContain("/FontFile2");
    expect(text).toContain("/MediaBox [0 0 841.89 595.28]");
  });

  it("shows the recipient, achievement, credential id and 'Verify at <url>' as text", async () => {
    const text = extractText(await renderCertificatePdf(certificate()));
    expect(text).toContain("Ada Lovelace");
    expect(text).toContain("has earned the certification");
    expect(text).toContain("GitLab Certified CI/CD Specialist");
    expect(text).toContain("2 March 2026");
    expect(text).toContain("2 March 2029");
    expect(text).toContain(ID);
    // The URL may wrap after a slash or hyphen; joined back, it is whole.
    expect(text.replace(/\n/g, "")).toContain(`Verify at ${VERIFY_URL}`);
  });

  it("links the QR code and the URL to the verification page, and only http(s) URLs", async () => {
    const text = (await renderCertificatePdf(certificate())).toString("latin1");
    expect(text.match(new RegExp(`/URI \\(${VERIFY_URL.replace(/[.]/g, "\\.")}\\)`, "g"))).toHaveLength(2);
    const hostile = (await renderCertificatePdf(certificate({ verifyUrl: "javascript:alert(1)" }))).toString("latin1");
    expect(hostile).not.toContain("/URI");
  });

  it("is reproducible: no creation date, identical bytes for the same input", async () => {
    const [a, b] = await Promise.all([renderCertificatePdf(certificate()), renderCertificatePdf(certificate())]);
    expect(a.equals(b)).toBe(true);
    expect(a.toString("latin1")).not.toContain("/CreationDate");
    expect(a.toString("latin1")).toContain(`(Open Badges 3.0 credential ${ID})`);
  });

  it("omits the expiry when there is none", async () => {
    const text = extractText(await renderCertificatePdf(certificate({ expiresOn: undefined })));
    expect(text).not.toContain("EXPIRES");
    expect(text).toContain("ISSUED");
  });

  it("draws right-to-left names in visual order (glyphs left to right)", async () => {
    const hebrew = await renderCertificatePdf(certificate({ recipientName: "דוד לוי", issuerName: "מכון ויצמן" }));
    writeFileSync("test/output/certificate-hebrew.pdf", hebrew);
    // pdfkit keeps the source characters of each glyph, so visual order reads reversed in logical terms.
    expect(extractText(hebrew)).toContain("יול דוד");
    const arabic = await renderCertificatePdf(
      certificate({ recipientName: "محمد علي", achievementName: "شهادة (متقدم) 2026" }),
    );
    writeFileSync("test/output/certificate-arabic.pdf", arabic);
    const text = extractText(arabic);
    expect(text).toContain("يلع دمحم");
    expect(text.replace(/\n/g, "")).toContain("2026 (مدقتم) ةداهش");
  });

  it("orders mixed-direction lines by the Unicode bidi algorithm", () => {
    expect(visualRuns("Ada Lovelace")).toEqual(["Ada Lovelace"]);
    expect(visualRuns("דוד לוי (David Levi) 2026")).toEqual(["2026", " (", "David Levi", "דוד לוי )"]);
    expect(visualRuns("abc דוד 123 לוי def")).toEqual(["abc ", " לוי", "123", "דוד ", " def"]);
  });

  it("keeps hostile and very long text literal and on one page", async () => {
    const hostile = `<Ana> & "Bo" O'Neil`;
    const pdf = await renderCertificatePdf(
      certificate({
        recipientName: hostile,
        achievementName: `</text><script>alert(1)</script> ]]> (unbalanced \\`,
        issuerName: "The International Association of Extremely Long Organisation Names and Partners Worldwide",
        achievementDescription: "Lorem ipsum dolor sit amet ".repeat(80),
      }),
    );
    writeFileSync("test/output/certificate-hostile.pdf", pdf);
    const text = extractText(pdf);
    expect(text).toContain(hostile);
    expect(text).toContain("</text><script>alert(1)</script>");
    expect(text).toContain("…");
    expect(pdf.toString("latin1").match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);

    const long = await renderCertificatePdf(
      certificate({ recipientName: "W".repeat(400), achievementName: "x".repeat(1000), credentialId: "y".repeat(500) }),
    );
    writeFileSync("test/output/certificate-long.pdf", long);
    expect(long.toString("latin1").match(/\/Type \/Page\b(?!s)/g)).toHaveLength(1);
  });
});

describe("a certificate marked as no longer in force", () => {
  it("writes the stamp's word across the page, after everything else, and keeps every other text", async () => {
    const pdf = await renderCertificatePdf(certificate({ stamp: { label: "REVOKED", colour: "#b42318" } }));
    writeFileSync("test/output/certificate-revoked.pdf", pdf);
    const text = extractText(pdf);
    expect(text.trim().split("\n").at(-1)).toBe("REVOKED");
    expect(text).toContain("Ada Lovelace");
    expect(extractText(await renderCertificatePdf(certificate()))).not.toContain("REVOKED");
  });
});
