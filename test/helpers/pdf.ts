import { inflateSync } from "node:zlib";

/** The objects of a PDF, stream data inflated: enough of a reader for pdfkit's own output. */
export function readObjects(pdf: Buffer): Map<string, { dict: string; stream?: string }> {
  const objects = new Map<string, { dict: string; stream?: string }>();
  const text = pdf.toString("latin1");
  for (const match of text.matchAll(/(\d+) 0 obj\s*([\s\S]*?)endobj/g)) {
    const [, id = "", body = ""] = match;
    const streamAt = body.indexOf("stream\n");
    if (streamAt < 0) {
      objects.set(id, { dict: body });
      continue;
    }
    const dict = body.slice(0, streamAt);
    const raw = Buffer.from(body.slice(streamAt + 7, body.lastIndexOf("\nendstream")), "latin1");
    const stream = (dict.includes("/FlateDecode") ? inflateSync(raw) : raw).toString("latin1");
    objects.set(id, { dict, stream });
  }
  return objects;
}

/**
 * The text drawn on the page, in drawing order: each `/Fn size Tf` selects a font, each hex string of
 * glyph ids in a TJ/Tj is mapped back to Unicode through that font's ToUnicode CMap (pdfkit's bfrange form).
 */
export function extractText(pdf: Buffer): string {
  const objects = readObjects(pdf);
  const page = [...objects.values()].find((o) => /\/Type \/Page\b(?!s)/.test(o.dict));
  const resources = objects.get(/\/Resources (\d+) 0 R/.exec(page?.dict ?? "")?.[1] ?? "")?.dict ?? "";
  const fonts = new Map<string, Map<number, string>>();
  for (const [, name = "", ref = ""] of resources.matchAll(/\/(F\d+) (\d+) 0 R/g)) {
    const cmapRef = /\/ToUnicode (\d+) 0 R/.exec(objects.get(ref)?.dict ?? "")?.[1] ?? "";
    const map = new Map<number, string>();
    for (const [, start = "0", entries = ""] of (objects.get(cmapRef)?.stream ?? "").matchAll(
      /<([0-9a-f]+)> <[0-9a-f]+> \[([^\]]*)\]/gi,
    )) {
      [...entries.matchAll(/<([0-9a-f ]*)>/gi)].forEach(([, hex = ""], i) => {
        map.set(Number.parseInt(start, 16) + i, Buffer.from(hex.replace(/ /g, ""), "hex").swap16().toString("utf16le"));
      });
    }
    fonts.set(name, map);
  }
  const content = objects.get(/\/Contents (\d+) 0 R/.exec(page?.dict ?? "")?.[1] ?? "")?.stream ?? "";
  let font = new Map<number, string>();
  let out = "";
  for (const [, fontName, shown] of content.matchAll(/\/(F\d+) [\d.]+ Tf|(\[[^\]]*\]\s*TJ|<[0-9a-f]*>\s*Tj)/gi)) {
    if (fontName) {
      font = fonts.get(fontName) ?? new Map();
      continue;
    }
    for (const [, hex = ""] of (shown ?? "").matchAll(/<([0-9a-f]*)>/gi)) {
      for (let i = 0; i < hex.length; i += 4) {
        out += font.get(Number.parseInt(hex.slice(i, i + 4), 16)) ?? "\uFFFD";
      }
    }
    out += "\n";
  }
  return out;
}
