import { escapeToBuffer } from "hono/utils/html";
import { LRUCache } from "lru-cache";
import { isoOf } from "../../domain/civil-date.js";
import type { CredentialPageData } from "../../services/credential-page-data.js";
import type { FastPage } from "../../services/credential-page-fast.js";
import type { PageTemplate } from "../../services/deps.js";
import { CredentialPage } from "./credential-page.js";
import { humanDay, humanDayTime } from "./dates.js";
import { renderPage } from "./render-page.js";
import type { Site } from "./site.js";
import { utf8Write } from "./utf8-write.js";

/**
 * The credential page of a plain GET, rendered from a template: the page with each value that differs from one
 * credential to the next (id, URLs, recipient name, dates, check sentences, LinkedIn links) replaced by a marker,
 * rendered once by the same JSX (CredentialPage) and split at the markers; a view fills the markers with this
 * credential's values, escaped as the JSX escapes them. Everything else the page shows (verdict, the certification's
 * texts and criteria, evidence, results, lifecycle, the site) is part of the template's key, so a template is reused
 * only for pages that differ in those values alone: credentials of one certification version in one state share one.
 *
 * Fail-closed, three ways: a template is used only after its first filling was compared, byte for byte, with the
 * page rendered in full for the same data (a mismatch marks the key as not templatable: those pages are rendered in
 * full); a template whose fixed parts still hold a marker's date (the page showed a date in a form not filled) is
 * refused the same way; a value holding a marker character is rendered in full.
 */
export type PageTemplates = LRUCache<string, PageTemplate | false>;

type Slot = PageTemplate["slots"][number];
type DateForm = "iso" | "day" | "dayTime";

/** Marker characters (Unicode private use): a text value is `OPEN index CLOSE` in the template's data. */
const OPEN = "\uE000";
const CLOSE = "\uE001";
const MARKER_CHAR = /[\uE000\uE001]/;
/** Years the marker dates are drawn from (one per distinct instant of a page); real dates before them only. */
const FIRST_MARKER_YEAR = 2901;
const MAX_DATES = 40;
/** The instants this page formats as dates, in the forms the templates fill (Z, with or without milliseconds). */
const INSTANT = /^(\d{4})-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{3})?Z$/;

type Values = { texts: string[]; dates: Date[] };

/** Collects a page's per-credential values and hands back the marker that stands for each in the template data. */
class Markers {
  readonly values: Values = { texts: [], dates: [] };
  private readonly dateIndex = new Map<number, number>();
  /** Some value cannot be marked (it holds a marker character, or too many dates): render the page in full. */
  unmarkable = false;

  text(value: string): string {
    if (MARKER_CHAR.test(value)) {
      this.unmarkable = true;
    }
    this.values.texts.push(value);
    return `${OPEN}${this.values.texts.length - 1}${CLOSE}`;
  }

  /** A date string the page parses: a marker date when it is a plain UTC instant, else itself (then part of the key). */
  date(value: string | undefined): string | undefined {
    const match = value === undefined ? null : INSTANT.exec(value);
    const ms = value === undefined ? Number.NaN : Date.parse(value);
    if (!match || !Number.isFinite(ms) || Number(match[1]) >= FIRST_MARKER_YEAR) {
      return value;
    }
    let index = this.dateIndex.get(ms);
    if (index === undefined) {
      index = this.values.dates.length;
      if (index >= MAX_DATES) {
        this.unmarkable = true;
        return value;
      }
      this.dateIndex.set(ms, index);
      this.values.dates.push(new Date(ms));
    }
    // the same instant always gets the same marker (the page compares instants); the string keeps its own form
    return `${FIRST_MARKER_YEAR + index}-01-01T12:00:00${match[2] ? ".000" : ""}Z`;
  }
}

function markerDate(index: number): Date {
  return new Date(Date.UTC(FIRST_MARKER_YEAR + index, 0, 1, 12, 0, 0));
}

/**
 * What CredentialPage reads of the page data, with the per-credential values replaced by markers (`markers` collects
 * the values). Its JSON is the template's key.
 */
function markedData(data: CredentialPageData, m: Markers): CredentialPageData {
  const { report, lifecycle } = data;
  const display = report.display;
  return {
    id: m.text(data.id),
    url: m.text(data.url),
    shortUrl: m.text(data.shortUrl),
    qrPath: m.text(data.qrPath),
    ...(data.linkedIn
      ? { linkedIn: { addToProfile: m.text(data.linkedIn.addToProfile), share: m.text(data.linkedIn.share) } }
      : {}),
    report: {
      verdict: report.verdict,
      checks: report.checks.map((c) => ({ ...c, message: m.text(c.message) })),
      ...(display
        ? {
            display: {
              ...display,
              ...(display.id !== undefined ? { id: m.text(display.id) } : {}),
              ...(display.recipientName !== undefined ? { recipientName: m.text(display.recipientName) } : {}),
              issuedOn: m.date(display.issuedOn),
              awardedDate: m.date(display.awardedDate),
              validFrom: m.date(display.validFrom),
              validUntil: m.date(display.validUntil),
            },
          }
        : {}),
      checkedAt: m.date(report.checkedAt) as string,
    },
    lifecycle: {
      ...lifecycle,
      ...(lifecycle.since !== undefined ? { since: m.date(lifecycle.since) } : {}),
      history: lifecycle.history.map((h) => ({ ...h, at: m.date(h.at) as string })),
    },
  };
}

/**
 * The template's key: the JSON of the site and the marked data. When the display was made with a shared part of its
 * page projection (`sharedDisplay`: texts of the certification, named by their hash) and still holds those very
 * values (compared by identity: no text is read), the key names that part instead of repeating its texts. Otherwise,
 * or if a member differs, the texts are in the key as before.
 */
function templateKey(site: Site, marked: CredentialPageData, shared: CredentialPageData["sharedDisplay"]): string {
  const display = marked.report.display as Record<string, unknown> | undefined;
  if (shared && display) {
    const own: Record<string, unknown> = {};
    let found = 0;
    for (const key in display) {
      const value = display[key];
      if (Object.hasOwn(shared.display, key)) {
        if (shared.display[key] !== value) {
          return JSON.stringify([site, marked]);
        }
        found += 1;
      } else {
        own[key] = value;
      }
    }
    if (found === Object.keys(shared.display).length) {
      return JSON.stringify([site, shared.name, { ...marked, report: { ...marked.report, display: own } }]);
    }
  }
  return JSON.stringify([site, marked]);
}

function escaped(text: string): string {
  const buffer: [string] = [""];
  escapeToBuffer(text, buffer);
  return buffer[0];
}

/** The forms a marker date takes in the rendered page, longest first (a day is the start of its day-and-time). */
function dateForms(index: number): Array<[string, DateForm]> {
  const date = markerDate(index);
  const iso = date.toISOString();
  return [
    [iso, "iso"],
    [humanDayTime(date), "dayTime"],
    [humanDay(date), "day"],
  ];
}

/** Splits the page rendered from marked data at its markers; undefined when a marker date is left in a fixed part. */
function splitTemplate(html: string, dates: number): PageTemplate | undefined {
  const forms = new Map<string, Slot>();
  for (let d = 0; d < dates; d++) {
    for (const [text, form] of dateForms(d)) {
      forms.set(text, { date: d, form });
    }
  }
  const alternatives = [...forms.keys()].sort((a, b) => b.length - a.length).map((s) => s.replace(/[.]/g, "\\."));
  const pattern = new RegExp([`${OPEN}(\\d+)${CLOSE}`, ...alternatives].join("|"), "g");
  const parts: string[] = [];
  const slots: Slot[] = [];
  let last = 0;
  for (const match of html.matchAll(pattern)) {
    parts.push(html.slice(last, match.index));
    slots.push(match[1] !== undefined ? { text: Number(match[1]) } : (forms.get(match[0]) as Slot));
    last = match.index + match[0].length;
  }
  parts.push(html.slice(last));
  // a marker year still in the fixed HTML: the page shows a date in a form this does not fill
  const years = new RegExp(Array.from({ length: dates }, (_, d) => String(FIRST_MARKER_YEAR + d)).join("|") || "$^");
  if (dates > 0 && parts.some((p) => years.test(p))) {
    return undefined;
  }
  return { parts, slots };
}

function fill(template: PageTemplate, values: Values): string {
  const { parts, slots } = template;
  const texts: Array<string | undefined> = [];
  let html = parts[0] as string;
  for (let i = 0; i < slots.length; i++) {
    const slot = slots[i] as Slot;
    if ("text" in slot) {
      let text = texts[slot.text];
      if (text === undefined) {
        text = escaped(values.texts[slot.text] as string);
        texts[slot.text] = text;
      }
      html += text;
    } else {
      const date = values.dates[slot.date] as Date;
      html += slot.form === "iso" ? date.toISOString() : slot.form === "day" ? humanDay(date) : humanDayTime(date);
    }
    html += parts[i + 1] as string;
  }
  return html;
}

/** A value escaped as the JSX escapes text and attributes (most values need nothing: the value itself). */
const NEEDS_ESCAPE = /["&'<>]/;

/**
 * `fill` in UTF-8 bytes, from the parts encoded once: the same bytes as encoding the filled text (every part and value
 * is well-formed text, so no character is split between two pieces); undefined when a value is not well-formed. The
 * page is written straight into the current slab (`reserve`, room for the worst case: three bytes per UTF-16 unit of a
 * value), and only the bytes written are taken (`keep`). Each distinct value (a text; a date in one form) is encoded
 * once, where it first appears, and its later slots copy those bytes (a page repeats its id and URL a dozen times).
 */
function fillBytes(template: PageTemplate, encoded: Buffer[], values: Values): Uint8Array<ArrayBuffer> | undefined {
  const { slots } = template;
  const count = slots.length;
  // each slot's text and the number of the distinct value it shows (the texts by index; then the dates, per form)
  const written: string[] = new Array(count);
  const slotValue: number[] = new Array(count);
  const texts: Array<string | undefined> = [];
  const textCount = values.texts.length;
  let upper = 0;
  for (const part of encoded) {
    upper += part.length;
  }
  for (let i = 0; i < count; i++) {
    const slot = slots[i] as Slot;
    let value: number;
    if ("text" in slot) {
      value = slot.text;
      if (texts[value] === undefined) {
        const text = values.texts[value] as string;
        texts[value] = NEEDS_ESCAPE.test(text) ? escaped(text) : text;
      }
    } else {
      const iso = textCount + slot.date * 3;
      value = iso + (slot.form === "iso" ? 0 : slot.form === "day" ? 1 : 2);
      if (texts[value] === undefined) {
        const date = values.dates[slot.date] as Date;
        if (slot.form === "day") {
          texts[value] = humanDay(date);
        } else {
          // (the date's ISO text once, for both forms that show it)
          const instant = texts[iso] ?? isoOf(date.getTime());
          texts[iso] = instant;
          texts[value] = slot.form === "iso" ? instant : `${humanDay(date)} at ${instant.slice(11, 16)} UTC`;
        }
      }
    }
    const text = texts[value] as string;
    written[i] = text;
    slotValue[i] = value;
    upper += text.length * 3;
  }
  const { bytes: out, start } = reserve(upper);
  // where each distinct value's bytes were first written, and how many
  const at: number[] = [];
  const size: number[] = [];
  const first = encoded[0] as Buffer;
  out.set(first, start);
  let offset = start + first.length;
  for (let i = 0; i < count; i++) {
    const value = slotValue[i] as number;
    const from = at[value];
    if (from !== undefined) {
      const length = size[value] as number;
      out.copyWithin(offset, from, from + length);
      offset += length;
    } else {
      const length = writeText(out, offset, written[i] as string);
      if (length < 0) {
        return undefined;
      }
      at[value] = offset;
      size[value] = length;
      offset += length;
    }
    const part = encoded[i + 1] as Buffer;
    out.set(part, offset);
    offset += part.length;
  }
  return keep(out, start, offset);
}

/** Writes `text` in UTF-8 at `offset` (room is reserved) and gives its byte count; -1 when it is not well-formed. */
function writeText(out: Buffer, offset: number, text: string): number {
  if (!text.isWellFormed()) {
    return -1;
  }
  return utf8Write(out, text, offset);
}

/** Pages are cut from slabs of this size (a page that may need more than a quarter of one gets a buffer of its own). */
const SLAB_BYTES = 1 << 20;
let slab: Buffer | undefined;
let slabUsed = SLAB_BYTES;

/**
 * Room for a page of at most `upper` bytes: the current slab from `start` on (a region never handed out twice: a slab
 * is dropped when full and freed once no page of it is referenced), so that a page view allocates no buffer of its own
 * (an external allocation per view, and the collections it brings); `keep` takes the bytes written.
 */
function reserve(upper: number): { bytes: Buffer; start: number } {
  if (upper > SLAB_BYTES / 4) {
    return { bytes: Buffer.allocUnsafeSlow(upper), start: 0 };
  }
  if (slab === undefined || slabUsed + upper > SLAB_BYTES) {
    slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
    slabUsed = 0;
  }
  return { bytes: slab, start: slabUsed };
}

/** The page written into `bytes` from `start` to `end`; taken from the slab (the next page starts after it). */
function keep(bytes: Buffer, start: number, end: number): Uint8Array<ArrayBuffer> {
  if (bytes === slab) {
    // the next page starts on an 8-byte boundary
    slabUsed = start + ((end - start + 7) & ~7);
  }
  return new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset + start, end - start);
}

/** The parts of a template in UTF-8, or undefined when one of them is not well-formed text. */
function encodeParts(parts: string[]): Buffer[] | undefined {
  return parts.every((part) => part.isWellFormed()) ? parts.map((part) => Buffer.from(part)) : undefined;
}

/**
 * The credential page (plain GET: no recipient answer) as HTML, from a template when one applies (see PageTemplate),
 * else rendered in full.
 */
export function renderCredentialPageHtml(site: Site, data: CredentialPageData, templates: PageTemplates): string {
  const page = renderCredentialPage(site, data, templates, false);
  return typeof page === "string" ? page : Buffer.from(page.buffer, page.byteOffset, page.byteLength).toString("utf8");
}

/**
 * The page as `renderCredentialPageHtml` gives it, to be served: UTF-8 bytes when filled from a template whose parts
 * are encoded (the response then encodes nothing: most of the page is bytes made once), else the text.
 */
export function renderCredentialPageBody(
  site: Site,
  data: CredentialPageData,
  templates: PageTemplates,
): string | Uint8Array<ArrayBuffer> {
  return renderCredentialPage(site, data, templates, true);
}

function renderCredentialPage(
  site: Site,
  data: CredentialPageData,
  templates: PageTemplates,
  bytes: boolean,
): string | Uint8Array<ArrayBuffer> {
  const markers = new Markers();
  const marked = markedData(data, markers);
  if (markers.unmarkable) {
    return renderPage(CredentialPage({ site, data }));
  }
  const key = templateKey(site, marked, data.sharedDisplay);
  const known = templates.get(key);
  if (known) {
    const filled = bytes && known.encoded ? fillBytes(known, known.encoded, markers.values) : undefined;
    return filled ?? fill(known, markers.values);
  }
  const full = renderPage(CredentialPage({ site, data }));
  // (every value of the marked data, the shared texts too: the key may only name them)
  if (known === false || MARKER_CHAR.test(JSON.stringify([site, marked]).replace(/\uE000\d+\uE001/g, ""))) {
    return full;
  }
  const template = splitTemplate(renderPage(CredentialPage({ site, data: marked })), markers.values.dates.length);
  const same = template !== undefined && fill(template, markers.values) === full;
  const encoded = same ? encodeParts(template.parts) : undefined;
  templates.set(key, same ? { ...template, ...(encoded ? { encoded } : {}) } : false);
  return full;
}

/**
 * Templates by the key of a fast page view (services/credential-page-fast.ts `FastPage`), for one site: the very
 * templates above, each found by a key the view computes from its page row without building the page data. A key is
 * added only once a page of it, filled from the template with the values the fast view computed, was byte-identical to
 * the page rendered in full from the page data of the same row at the same time (`registerFastPage`); `false` when it
 * was not (those views take the full path). Bounded as the templates are.
 */
type FastIndex = { site: Site; templates: LRUCache<string, PageTemplate | false> };
const fastIndexes = new WeakMap<PageTemplates, FastIndex>();

function fastIndexOf(site: Site, templates: PageTemplates): LRUCache<string, PageTemplate | false> {
  const known = fastIndexes.get(templates);
  if (known && known.site === site) {
    return known.templates;
  }
  const index: FastIndex = {
    site,
    templates: new LRUCache<string, PageTemplate | false>({
      max: templates.max,
      ...(templates.maxSize
        ? {
            maxSize: templates.maxSize,
            sizeCalculation: (template: PageTemplate | false) =>
              template ? template.parts.reduce((n, part) => n + part.length, 1) : 1,
          }
        : {}),
    }),
  };
  fastIndexes.set(templates, index);
  return index.templates;
}

/**
 * The page of a fast view, filled from the template its key was registered with (UTF-8 bytes, or the text when the
 * template's parts are not encoded); undefined when no template is registered for the key (take the full path, then
 * `registerFastPage`), false when its key was refused (take the full path).
 */
export function fillFastPage(
  site: Site,
  templates: PageTemplates,
  fast: FastPage,
): string | Uint8Array<ArrayBuffer> | false | undefined {
  const known = fastIndexOf(site, templates).get(fast.key);
  if (!known) {
    return known;
  }
  // fail-closed: a template whose slots name a value the fast view does not have is not filled (the full path serves)
  if (!fits(known, fast)) {
    return false;
  }
  return (known.encoded ? fillBytes(known, known.encoded, fast) : undefined) ?? fill(known, fast);
}

/** Whether every slot of the template names one of the values (a text or a date by its index). */
function fits(template: PageTemplate, values: Values): boolean {
  for (const slot of template.slots) {
    if ("text" in slot ? slot.text >= values.texts.length : slot.date >= values.dates.length) {
      return false;
    }
  }
  return true;
}

function sameValues(a: Values, b: Values): boolean {
  return (
    a.texts.length === b.texts.length &&
    a.dates.length === b.dates.length &&
    a.texts.every((text, i) => text === b.texts[i]) &&
    a.dates.every((date, i) => date.getTime() === b.dates[i]?.getTime())
  );
}

/**
 * After a fast view's page was served by the full path (`data`: the page data of the same row at the same time),
 * registers the template the full path uses for it under the fast view's key, when the fast view's verdict, checks and
 * values are those of the page data and the template filled with the fast view's values is byte-identical to the page
 * rendered in full; a template that fills otherwise refuses the key for good. Nothing is registered while the full
 * path has no template for the page yet, or when the two reads disagree (a status list changed in between).
 */
export function registerFastPage(site: Site, templates: PageTemplates, fast: FastPage, data: CredentialPageData): void {
  const index = fastIndexOf(site, templates);
  if (index.has(fast.key)) {
    return;
  }
  const { report } = data;
  const agree =
    report.verdict === fast.verdict &&
    (data.linkedIn !== undefined) === fast.linkedIn &&
    report.checks.length === fast.checks.length &&
    report.checks.every((check, i) => {
      const other = fast.checks[i];
      return (
        other !== undefined &&
        check.id === other.id &&
        check.outcome === other.outcome &&
        check.code === other.code &&
        check.title === other.title
      );
    });
  const markers = new Markers();
  const marked = markedData(data, markers);
  if (!agree || markers.unmarkable || !sameValues(markers.values, fast)) {
    return;
  }
  const template = templates.get(templateKey(site, marked, data.sharedDisplay));
  if (template === undefined) {
    return;
  }
  const same = template !== false && fill(template, fast) === renderPage(CredentialPage({ site, data }));
  index.set(fast.key, same ? template : false);
}
