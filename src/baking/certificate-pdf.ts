import PDFDocument from "pdfkit";
import { drawableText } from "../domain/display-text.js";
import { darkRuns, qrMatrix } from "./qr.js";
import { type Stamp, stampGeometry } from "./stamp.js";
import {
  DEJAVU,
  type FittedText,
  type FontName,
  fitText,
  fontFor,
  hasRightToLeftScript,
  type TextMeasure,
  visualRuns,
} from "./text-layout.js";

export type CertificateData = {
  recipientName: string;
  achievementName: string;
  achievementDescription: string;
  issuerName: string;
  /** Already formatted for people, e.g. "2 March 2026". */
  issuedOn: string;
  expiresOn?: string;
  credentialId: string;
  verifyUrl: string;
  /** The certification's badge, a square PNG. */
  badgePng: Buffer;
  /** A band across the page for a credential no longer in force (REVOKED, EXPIRED…). */
  stamp?: Stamp;
};

/** A4 landscape in PostScript points. */
const PAGE = { width: 841.89, height: 595.28 };
const CENTER = PAGE.width / 2;
const INK = { navy: "#1f2f5c", gold: "#b08d3c", text: "#1c2437", muted: "#5a6478", faint: "#8a93a6" };
/** pdfkit needs a date for the file identifier; it is fixed, and not written, so the bytes are reproducible. */
const FIXED_DATE = new Date(Date.UTC(2000, 0, 1));
const LEADING = 1.22;
/** The band the body is centred in: below the header ornament, above the footer row. */
const BODY = { top: 166, bottom: 418 };
/** Top of the footer row (dates and signature, badge, QR code). */
const FOOT = 442;

type Doc = InstanceType<typeof PDFDocument>;
type Align = "left" | "center" | "right";
type Style = { font: FontName; color: string; tracking?: number };
type Line = Style & { size: number };
const LABEL: Line = { font: "sans", size: 7, color: INK.faint, tracking: 1.5 };

/**
 * Renders the one-page, A4 landscape, printable certificate of a credential: frame, issuer, recipient,
 * achievement, dates, badge and a QR code of the verification URL. DejaVu fonts are embedded (subset),
 * right-to-left text is laid out with the Unicode bidi algorithm, and the output is byte-for-byte reproducible.
 * Characters no display text may hold (controls, noncharacters, bidi overrides) are left out of what is drawn.
 */
export async function renderCertificatePdf(given: CertificateData): Promise<Buffer> {
  const data: CertificateData = {
    ...given,
    recipientName: drawableText(given.recipientName),
    achievementName: drawableText(given.achievementName),
    achievementDescription: drawableText(given.achievementDescription),
    issuerName: drawableText(given.issuerName),
  };
  const doc = new PDFDocument({
    size: "A4",
    layout: "landscape",
    margin: 0,
    font: DEJAVU.sans,
    info: {
      Title: `${data.achievementName} — ${data.recipientName}`,
      Author: data.issuerName,
      Subject: `Open Badges 3.0 credential ${data.credentialId}`,
      Creator: "Laurel",
      Producer: "Laurel",
      CreationDate: FIXED_DATE,
    },
  });
  // Hidden from the Info dictionary (which pdfkit writes by enumerating) but still there for pdfkit's own reads.
  Object.defineProperty(doc.info, "CreationDate", { value: FIXED_DATE, enumerable: false });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const measure: TextMeasure = (s, font, size) =>
    doc.font(DEJAVU[font]).fontSize(size).widthOfString(s, { features: [] });

  drawFrame(doc);
  drawHeader(doc, measure, data.issuerName);
  drawBody(doc, measure, data);
  drawDates(doc, measure, data);
  doc.image(data.badgePng, CENTER - 52, FOOT - 6, { width: 104, height: 104 });
  drawVerification(doc, measure, data);
  if (data.stamp) {
    drawStamp(doc, data.stamp);
  }
  doc.end();
  return ended;
}

/** Draws one line centred on (or aligned to) `x`, its runs in bidi visual order. */
function drawLine(doc: Doc, text: string, x: number, top: number, style: Line, align: Align = "center"): void {
  const tracking = hasRightToLeftScript(text) ? 0 : (style.tracking ?? 0);
  doc.font(DEJAVU[fontFor(text, style.font)]).fontSize(style.size).fillColor(style.color);
  const runs = visualRuns(text).map((run) => ({
    run,
    width: doc.widthOfString(run, { features: [], characterSpacing: tracking }),
  }));
  const width = runs.reduce((sum, r) => sum + r.width + tracking, -tracking);
  let left = align === "center" ? x - width / 2 : align === "right" ? x - width : x;
  for (const { run, width: runWidth } of runs) {
    doc.text(run, left, top, { lineBreak: false, features: [], characterSpacing: tracking });
    left += runWidth + tracking;
  }
}

/** Draws fitted lines one under the other; returns the y below the last one. */
function drawLines(
  doc: Doc,
  fitted: FittedText,
  x: number,
  top: number,
  style: Style,
  align: Align = "center",
): number {
  let y = top;
  for (const line of fitted.lines) {
    drawLine(doc, line, x, y, { ...style, size: fitted.size }, align);
    y += fitted.size * LEADING;
  }
  return y;
}

function drawFrame(doc: Doc): void {
  doc.rect(0, 0, PAGE.width, PAGE.height).fill("#fffdf8");
  doc
    .lineWidth(2.5)
    .rect(20, 20, PAGE.width - 40, PAGE.height - 40)
    .stroke(INK.navy);
  doc
    .lineWidth(0.75)
    .rect(28, 28, PAGE.width - 56, PAGE.height - 56)
    .stroke(INK.gold);
  for (const x of [28, PAGE.width - 28]) {
    for (const y of [28, PAGE.height - 28]) {
      diamond(doc, x, y, 6);
    }
  }
}

function diamond(doc: Doc, x: number, y: number, r: number): void {
  doc.polygon([x, y - r], [x + r, y], [x, y + r], [x - r, y]).fill(INK.gold);
}

function drawHeader(doc: Doc, measure: TextMeasure, issuerName: string): void {
  // Small caps with wide tracking for Latin, Greek and Cyrillic; Hebrew and Arabic have neither, so get a larger size.
  const rtl = hasRightToLeftScript(issuerName);
  const tracked: TextMeasure = (s, font, size) => measure(s, font, size) + 0.2 * size * Array.from(s).length;
  const fit = { font: "sansBold", maxWidth: 600, maxSize: rtl ? 13 : 10.5, minSize: 7, maxLines: 1 } as const;
  const issuer = fitText(issuerName.toUpperCase(), rtl ? measure : tracked, fit);
  drawLines(doc, issuer, CENTER, 58, { font: "sansBold", color: INK.muted, tracking: issuer.size * 0.2 });
  drawLine(doc, "CERTIFICATE", CENTER, 80, { font: "serifBold", size: 36, color: INK.navy, tracking: 5 });
  drawLine(doc, "OF ACHIEVEMENT", CENTER, 126, { font: "sans", size: 10.5, color: INK.gold, tracking: 4 });
  doc
    .lineWidth(0.75)
    .moveTo(CENTER - 90, 150)
    .lineTo(CENTER - 10, 150)
    .moveTo(CENTER + 10, 150);
  doc.lineTo(CENTER + 90, 150).stroke(INK.gold);
  diamond(doc, CENTER, 150, 4);
}

/** Recipient, achievement and description, vertically centred between the header and the footer. */
function drawBody(doc: Doc, measure: TextMeasure, data: CertificateData): void {
  const box = (text: string, font: FontName, maxWidth: number, sizes: [number, number], maxLines: number) =>
    fitText(text, measure, { font: fontFor(text, font), maxWidth, maxSize: sizes[0], minSize: sizes[1], maxLines });
  const name = box(data.recipientName, "serifBold", 640, [40, 18], 2);
  const achievement = box(data.achievementName, "sansBold", 620, [21, 12], 2);
  const description = box(data.achievementDescription, "serif", 560, [10, 10], 3);
  const italic = { font: "serifItalic", size: 13, color: INK.muted } as const;
  const heightOf = (f: FittedText) => f.lines.length * f.size * LEADING;
  const height = 2 * 13 * LEADING + 54 + heightOf(name) + heightOf(achievement) + heightOf(description);
  let y = BODY.top + (BODY.bottom - BODY.top - height) / 2;
  drawLine(doc, "This is to certify that", CENTER, y, italic);
  y = drawLines(doc, name, CENTER, y + 13 * LEADING + 10, { font: "serifBold", color: INK.text });
  doc
    .lineWidth(0.75)
    .moveTo(CENTER - 150, y + 8)
    .lineTo(CENTER + 150, y + 8)
    .stroke(INK.gold);
  drawLine(doc, "has earned the certification", CENTER, y + 26, italic);
  y = drawLines(doc, achievement, CENTER, y + 26 + 13 * LEADING + 8, { font: "sansBold", color: INK.navy });
  drawLines(doc, description, CENTER, y + 10, { font: "serif", color: INK.muted });
}

/** Dates and the issuing organisation, as a signature line, in the bottom left corner. */
function drawDates(doc: Doc, measure: TextMeasure, data: CertificateData): void {
  const left = 70;
  const dates = data.expiresOn ? { ISSUED: data.issuedOn, EXPIRES: data.expiresOn } : { ISSUED: data.issuedOn };
  Object.entries(dates).forEach(([label, value], i) => {
    const fitted = fitText(value, measure, { font: "sansBold", maxWidth: 112, maxSize: 11, minSize: 7, maxLines: 1 });
    drawLine(doc, label, left + i * 120, FOOT, LABEL, "left");
    drawLines(doc, fitted, left + i * 120, FOOT + 11, { font: "sansBold", color: INK.text }, "left");
  });
  const font = fontFor(data.issuerName, "serifItalic");
  const fit = { font, maxWidth: 230, maxSize: 14, minSize: 8, maxLines: 2 };
  const issuer = fitText(data.issuerName, measure, fit);
  // Lines stack upwards from the signature rule.
  const top = FOOT + 66 - issuer.size * 1.1 - (issuer.lines.length - 1) * issuer.size * LEADING;
  drawLines(doc, issuer, left, top, { font, color: INK.text }, "left");
  doc
    .lineWidth(0.6)
    .moveTo(left, FOOT + 68)
    .lineTo(left + 230, FOOT + 68)
    .stroke(INK.faint);
  drawLine(doc, "ISSUING ORGANISATION", left, FOOT + 73, LABEL, "left");
}

/** The QR code of the verification URL in the bottom right corner, captioned with the URL and credential id. */
function drawVerification(doc: Doc, measure: TextMeasure, data: CertificateData): void {
  const matrix = qrMatrix(data.verifyUrl);
  const size = 82;
  const module = size / matrix.size;
  const [qrLeft, qrTop] = [PAGE.width - 70 - size, FOOT - 2];
  // A white quiet zone of two modules, so the code scans even on the tinted paper.
  doc.rect(qrLeft - 2 * module, qrTop - 2 * module, size + 4 * module, size + 4 * module).fill("#ffffff");
  for (const [row, col, length] of darkRuns(matrix)) {
    doc.rect(qrLeft + col * module, qrTop + row * module, length * module, module);
  }
  doc.fill("#000000");
  const right = qrLeft - 14;
  const caption = { font: "sans", maxWidth: 200, maxSize: 8, minSize: 6, maxLines: 3 } as const;
  const url = fitText(`Verify at ${data.verifyUrl}`, measure, caption);
  const id = fitText(data.credentialId, measure, { ...caption, font: "mono", maxSize: 7, minSize: 5, maxLines: 2 });
  drawLine(doc, "VERIFY THIS CERTIFICATE", right, qrTop + 2, { ...LABEL, font: "sansBold", color: INK.navy }, "right");
  const urlBottom = drawLines(doc, url, right, qrTop + 16, { font: "sans", color: INK.text }, "right");
  drawLine(doc, "CREDENTIAL ID", right, urlBottom + 6, LABEL, "right");
  drawLines(doc, id, right, urlBottom + 15, { font: "mono", color: INK.text }, "right");
  if (/^https?:\/\//i.test(data.verifyUrl)) {
    doc.link(qrLeft, qrTop, size, size, data.verifyUrl);
    doc.link(right - caption.maxWidth, qrTop + 16, caption.maxWidth, urlBottom - qrTop - 16, data.verifyUrl);
  }
}

/** The band of a credential no longer in force, across the page from the bottom-left corner to the top-right one. */
function drawStamp(doc: Doc, stamp: Stamp): void {
  const g = stampGeometry(PAGE.width, PAGE.height);
  doc.save();
  doc.rotate(-g.angle, { origin: [g.cx, g.cy] });
  doc
    .rect(g.cx - g.length / 2, g.cy - g.thickness / 2, g.length, g.thickness)
    .lineWidth(g.thickness * 0.06)
    .fillOpacity(0.92)
    .fillAndStroke(stamp.colour, "#ffffff");
  doc.fillOpacity(1);
  // pdfkit places a line by its top; DejaVu Sans Bold's capitals are centred 0.565 em below it.
  const style = { font: "sansBold", size: g.fontSize, color: "#ffffff", tracking: g.fontSize * 0.12 } as const;
  drawLine(doc, stamp.label, g.cx, g.cy - g.fontSize * 0.565, style);
  doc.restore();
}
