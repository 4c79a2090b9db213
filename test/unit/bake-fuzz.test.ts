import { deflateSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { BakingError } from "../../src/baking/baking-error.js";
import { bakePng, extractFromPng, OB2_PNG_KEYWORD, OB3_PNG_KEYWORD } from "../../src/baking/png.js";
import { bakeSvg, extractFromSvg, OB2_SVG_NAMESPACE, OB3_SVG_NAMESPACE } from "../../src/baking/svg.js";
import { pngChunk as chunk, PNG_SIGNATURE as SIGNATURE } from "../helpers/png.js";

const RUNS = { numRuns: 300 };
const TIMEOUT_MS = 5_000;
const PAYLOAD = JSON.stringify({ id: "urn:uuid:1", name: "Fuzz é 中文 🎖️", note: "a]]>b" });
const JWS = "eyJhbGciOiJFZERTQSJ9.eyJuYW1lIjoiw6kifQ.c2lnbmF0dXJl";

const IHDR = chunk("IHDR", Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0]));
const IDAT = chunk("IDAT", deflateSync(Buffer.from([0, 1, 2, 3])));
const IEND = chunk("IEND", Buffer.alloc(0));
const BAKED_PNG = bakePng(Buffer.concat([SIGNATURE, IHDR, IDAT, IEND]), PAYLOAD);
const BAKED_SVG = bakeSvg(
  `<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB2_SVG_NAMESPACE}"><g><rect/></g></svg>`,
  PAYLOAD,
);

/** Runs a reader or baker: it may succeed or throw a BakingError, nothing else. */
function onlyBakingErrors<T>(run: () => T): T | undefined {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof BakingError)) {
      throw error;
    }
    return undefined;
  }
}

const flips = (length: number) =>
  fc.array(fc.record({ at: fc.nat(length - 1), xor: fc.integer({ min: 1, max: 255 }) }), {
    minLength: 1,
    maxLength: 8,
  });

/** Chunks with valid CRCs, so the text-chunk parsers (not just the CRC check) see random content. */
const textChunk = fc
  .record({
    type: fc.constantFrom("iTXt", "tEXt", "zTXt", "IDAT", "prVt"),
    keyword: fc.constantFrom(OB3_PNG_KEYWORD, OB2_PNG_KEYWORD, "Comment", ""),
    body: fc.uint8Array({ maxLength: 64 }),
  })
  .map(({ type, keyword, body }) => chunk(type, Buffer.concat([Buffer.from(keyword, "latin1"), body])));

describe("PNG reader and baker under fuzzing", () => {
  it(
    "survive any truncation",
    () => {
      fc.assert(
        fc.property(fc.nat(BAKED_PNG.length), (length) => {
          onlyBakingErrors(() => extractFromPng(BAKED_PNG.subarray(0, length)));
          onlyBakingErrors(() => bakePng(BAKED_PNG.subarray(0, length), JWS));
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "survive byte flips, and never return a credential from a corrupted file",
    () => {
      fc.assert(
        fc.property(flips(BAKED_PNG.length), (changes) => {
          const corrupt = Buffer.from(BAKED_PNG);
          for (const { at, xor } of changes) {
            corrupt[at]! ^= xor;
          }
          // a flip anywhere is caught by the signature, a length, a type or a CRC check
          expect(onlyBakingErrors(() => extractFromPng(corrupt))).toBeUndefined();
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "survive huge length fields",
    () => {
      const lengthOffsets = [8, 8 + IHDR.length, 8 + IHDR.length + IDAT.length];
      fc.assert(
        fc.property(fc.constantFrom(...lengthOffsets), fc.nat({ max: 0xffffffff }), (offset, length) => {
          const corrupt = Buffer.from(BAKED_PNG);
          corrupt.writeUInt32BE(length, offset);
          onlyBakingErrors(() => extractFromPng(corrupt));
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "survive random bytes, with and without a PNG signature",
    () => {
      fc.assert(
        fc.property(fc.boolean(), fc.uint8Array({ maxLength: 512 }), (signed, bytes) => {
          const input = signed ? Buffer.concat([SIGNATURE, bytes]) : bytes;
          onlyBakingErrors(() => extractFromPng(input));
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "survive random well-formed text chunks, and bake over them",
    () => {
      fc.assert(
        fc.property(fc.array(textChunk, { maxLength: 6 }), (chunks) => {
          const png = Buffer.concat([SIGNATURE, IHDR, ...chunks, IDAT, IEND]);
          onlyBakingErrors(() => extractFromPng(png));
          const baked = onlyBakingErrors(() => bakePng(png, JWS));
          if (baked) {
            expect(extractFromPng(baked).text).toBe(JWS);
          }
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );
});

/** Any UTF-16 text, lone surrogates and NULs included (fc.string's "binary" unit is slow to generate). */
const anyUtf16 = fc.uint16Array({ maxLength: 300 }).map((units) => String.fromCharCode(...units));

/** Characters that matter to an XML parser, to flip into the SVG. */
const xmlChar = fc.constantFrom(
  "<",
  ">",
  "&",
  '"',
  "'",
  "/",
  "!",
  "[",
  "]",
  "=",
  ":",
  ";",
  "?",
  " ",
  "x",
  "\u0000",
  "é",
);

/** XML-ish soup from the tokens a hostile SVG would use. */
const xmlSoup = fc
  .array(
    fc.constantFrom(
      "<svg",
      ' xmlns="http://www.w3.org/2000/svg"',
      ` xmlns:o="${OB3_SVG_NAMESPACE}"`,
      ` xmlns:b="${OB2_SVG_NAMESPACE}"`,
      ">",
      "/>",
      "</svg>",
      "<o:credential",
      "</o:credential>",
      "<b:assertion",
      ` verify="${JWS}"`,
      "<!DOCTYPE svg",
      " [",
      "]",
      '<!ENTITY a "&a;&a;">',
      "&a;",
      "&lt;",
      "<![CDATA[",
      "]]>",
      "{}",
      "<?xml ",
      "?>",
      "<!--",
      "-->",
      " ",
    ),
    { maxLength: 30 },
  )
  .map((tokens) => tokens.join(""));

describe("SVG reader and baker under fuzzing", () => {
  it(
    "survive any truncation",
    () => {
      fc.assert(
        fc.property(fc.nat(BAKED_SVG.length), (length) => {
          onlyBakingErrors(() => extractFromSvg(BAKED_SVG.slice(0, length)));
          onlyBakingErrors(() => bakeSvg(BAKED_SVG.slice(0, length), JWS));
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "survive character flips, and a successful bake always reads back",
    () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(BAKED_SVG.length - 1), xmlChar), { minLength: 1, maxLength: 6 }),
          (edits) => {
            const chars = [...BAKED_SVG];
            for (const [at, char] of edits) {
              chars[at % chars.length] = char;
            }
            const svg = chars.join("");
            onlyBakingErrors(() => extractFromSvg(svg));
            const baked = onlyBakingErrors(() => bakeSvg(svg, JWS));
            if (baked !== undefined) {
              expect(extractFromSvg(baked)).toMatchObject({ standard: "ob3", text: JWS });
            }
          },
        ),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );

  it(
    "survive random strings and XML soup",
    () => {
      fc.assert(
        fc.property(fc.oneof(anyUtf16, xmlSoup), (svg) => {
          onlyBakingErrors(() => extractFromSvg(svg));
          const baked = onlyBakingErrors(() => bakeSvg(svg, PAYLOAD));
          if (baked !== undefined) {
            expect(JSON.parse(extractFromSvg(baked).text)).toEqual(JSON.parse(PAYLOAD));
          }
        }),
        RUNS,
      );
    },
    TIMEOUT_MS,
  );
});
