import { describe, expect, it } from "vitest";
import { bakeSvg, extractFromSvg, OB3_SVG_NAMESPACE } from "../../src/baking/svg.js";
import { bakingCodeOf as codeOf } from "../helpers/png.js";

const SVG = `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <rect width="10" height="10" fill="#1e90ff"/>
</svg>
`;
const JSON_PAYLOAD = JSON.stringify({
  id: "urn:uuid:1",
  type: ["VerifiableCredential", "OpenBadgeCredential"],
  name: "Café 中文 🎖️ مرحبا <b>&amp;</b>",
});
const JWS_PAYLOAD = "eyJhbGciOiJFZERTQSJ9.eyJuYW1lIjoiw6kifQ.c2lnbmF0dXJl";
const DECLARATION = ` xmlns:openbadges="${OB3_SVG_NAMESPACE}"`;

const count = (text: string, needle: string) => text.split(needle).length - 1;

describe("bakeSvg / extractFromSvg round trips", () => {
  it.each([
    ["JSON with non-ASCII text", JSON_PAYLOAD, "json"],
    ["a compact JWS", JWS_PAYLOAD, "jws"],
  ])("gives back %s exactly", (_label, payload, kind) => {
    expect(extractFromSvg(bakeSvg(SVG, payload))).toEqual({ standard: "ob3", kind, text: payload, container: "svg" });
  });

  it("keeps JSON holding `]]>` in a single CDATA section, meaning the same JSON", () => {
    const tricky = JSON.stringify({ name: "a]]>b]]]]>c" });
    const baked = bakeSvg(SVG, tricky);
    expect(count(baked, "<![CDATA[")).toBe(1);
    const extracted = extractFromSvg(baked);
    expect(extracted.kind).toBe("json");
    expect(JSON.parse(extracted.text)).toEqual(JSON.parse(tricky));
  });
});

describe("baked SVG layout (OB 3.0 docformat #svg-baking)", () => {
  it("declares the namespace on the root and puts the JSON in one CDATA section as its first child", () => {
    const baked = bakeSvg(SVG, JSON_PAYLOAD);
    const element = `<openbadges:credential><![CDATA[${JSON_PAYLOAD}]]></openbadges:credential>`;
    expect(baked).toContain(`height="10"${DECLARATION}>${element}\n  <rect`);
    expect(baked.replace(DECLARATION, "").replace(element, "")).toBe(SVG);
  });

  it("puts a JWS in the verify attribute of an empty element", () => {
    const baked = bakeSvg(SVG, JWS_PAYLOAD);
    const element = `<openbadges:credential verify="${JWS_PAYLOAD}"></openbadges:credential>`;
    expect(baked).toContain(`${DECLARATION}>${element}`);
    expect(baked.replace(DECLARATION, "").replace(element, "")).toBe(SVG);
  });

  it("re-baking leaves one element with the new payload, as if baked once", () => {
    const twice = bakeSvg(bakeSvg(SVG, JSON_PAYLOAD), JWS_PAYLOAD);
    expect(count(twice, ":credential ") + count(twice, ":credential>")).toBe(2); // one start tag, one end tag
    expect(count(twice, "xmlns:openbadges=")).toBe(1);
    expect(extractFromSvg(twice).text).toBe(JWS_PAYLOAD);
    expect(twice).toBe(bakeSvg(SVG, JWS_PAYLOAD));
  });

  it("removes a credential under another prefix, wherever it is", () => {
    const foreign = `<svg xmlns="http://www.w3.org/2000/svg"><g xmlns:ob="${OB3_SVG_NAMESPACE}"><ob:credential verify="a.b.c"/></g></svg>`;
    const baked = bakeSvg(foreign, JSON_PAYLOAD);
    expect(baked).not.toContain("ob:credential");
    expect(baked).toContain(`<g xmlns:ob="${OB3_SVG_NAMESPACE}"></g>`);
    expect(extractFromSvg(baked).text).toBe(JSON_PAYLOAD);
  });

  it("finds and removes credentials nested in hostile ways", () => {
    const nested = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="${OB3_SVG_NAMESPACE}" xmlns:b="http://openbadges.org">
      <b:assertion verify="https://example.org/a/1"><o:credential verify="a.b.c"/></b:assertion>
      <o:credential><o:credential verify="d.e.f"/>{}</o:credential></svg>`;
    expect(codeOf(() => extractFromSvg(nested))).toBe("DUPLICATE_CREDENTIAL");
    const baked = bakeSvg(nested, JWS_PAYLOAD);
    expect(count(baked, "o:credential")).toBe(0);
    expect(baked).toContain(`<b:assertion verify="https://example.org/a/1"></b:assertion>`);
    expect(extractFromSvg(baked)).toMatchObject({ standard: "ob3", text: JWS_PAYLOAD });
  });

  it("bakes a self-closing root", () => {
    const baked = bakeSvg(`<svg xmlns="http://www.w3.org/2000/svg"/>`, JWS_PAYLOAD);
    expect(baked).toBe(
      `<svg xmlns="http://www.w3.org/2000/svg"${DECLARATION}><openbadges:credential verify="${JWS_PAYLOAD}"></openbadges:credential></svg>`,
    );
  });

  it("uses another prefix when the root binds `openbadges` to the OB 2.0 namespace, and reuses an OB 3.0 one", () => {
    const ob2 = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org"><openbadges:assertion verify="https://example.org/a/1"/></svg>`;
    const baked = bakeSvg(ob2, JWS_PAYLOAD);
    expect(baked).toContain(
      `xmlns:openbadges="http://openbadges.org" xmlns:ob3="${OB3_SVG_NAMESPACE}"><ob3:credential`,
    );
    expect(extractFromSvg(baked)).toMatchObject({ standard: "ob3", text: JWS_PAYLOAD });
    const own = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org" xmlns:b="${OB3_SVG_NAMESPACE}"/>`;
    expect(bakeSvg(own, JWS_PAYLOAD)).toContain(`xmlns:b="${OB3_SVG_NAMESPACE}"><b:credential verify=`);
  });

  it("rejects payloads that are neither JSON nor a JWS", () => {
    expect(codeOf(() => bakeSvg(SVG, "hello"))).toBe("MALFORMED");
    expect(codeOf(() => bakeSvg(SVG, JSON_PAYLOAD, { maxBytes: SVG.length + 20 }))).toBe("TOO_LARGE");
  });

  it("carries JSON strings holding characters XML cannot carry as \\u escapes: the same JSON comes back", () => {
    const payload = JSON.stringify({ name: "Kim\uFFFE\u0001 Park\uFFFF" });
    const baked = bakeSvg(SVG, payload);
    expect(baked).toContain("Kim\\ufffe\\u0001 Park\\uffff");
    expect(JSON.parse(extractFromSvg(baked).text)).toEqual(JSON.parse(payload));
  });
});

describe("extractFromSvg", () => {
  it("accepts any prefix for the OB 3.0 namespace, and JSON as escaped text", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="${OB3_SVG_NAMESPACE}"><x:credential>
      {"name": "a &lt; b"}
    </x:credential></svg>`;
    expect(extractFromSvg(svg)).toEqual({ standard: "ob3", kind: "json", text: '{"name": "a < b"}', container: "svg" });
  });

  it("ignores an element named credential in another namespace", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="https://example.org/"><openbadges:credential verify="a.b.c"/></svg>`;
    expect(codeOf(() => extractFromSvg(svg))).toBe("NO_CREDENTIAL");
  });

  it("reads OB 2.0 assertions: hosted URL, signed JWS and JSON in CDATA", () => {
    const wrap = (inner: string) =>
      `<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">${inner}</svg>`;
    expect(extractFromSvg(wrap(`<openbadges:assertion verify="https://example.org/a/1"/>`))).toEqual({
      standard: "ob2",
      kind: "url",
      text: "https://example.org/a/1",
      container: "svg",
    });
    expect(extractFromSvg(wrap(`<openbadges:assertion verify="${JWS_PAYLOAD}"/>`)).kind).toBe("jws");
    const json = wrap(`<openbadges:assertion><![CDATA[{"type":"Assertion"}]]></openbadges:assertion>`);
    expect(extractFromSvg(json)).toMatchObject({ standard: "ob2", kind: "json", text: '{"type":"Assertion"}' });
  });
});

describe("extractFromSvg errors and XML safety", () => {
  const xxe = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="${OB3_SVG_NAMESPACE}"><openbadges:credential>&xxe;</openbadges:credential></svg>`;
  const laughs = `<?xml version="1.0"?><!DOCTYPE svg [
  <!ENTITY lol "lol">
  <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]><svg xmlns="http://www.w3.org/2000/svg">&lol3;</svg>`;

  it.each([
    ["an external entity (XXE)", xxe, "UNSAFE_XML"],
    ["nested entities (billion laughs)", laughs, "UNSAFE_XML"],
    ["an internal subset without entities", `<!DOCTYPE svg [<!ATTLIST svg a CDATA "b">]><svg/>`, "UNSAFE_XML"],
    ["an undeclared entity", `<svg xmlns="http://www.w3.org/2000/svg">&xxe;</svg>`, "MALFORMED"],
    ["a non-svg root", `<html xmlns="http://www.w3.org/1999/xhtml"/>`, "NOT_AN_IMAGE"],
    ["an svg root in another namespace", `<svg xmlns="urn:other"/>`, "NOT_AN_IMAGE"],
    ["plain text", "hello, world", "NOT_AN_IMAGE"],
    ["malformed XML", `<svg xmlns="http://www.w3.org/2000/svg"><g></svg>`, "MALFORMED"],
    ["an unbound prefix", `<svg xmlns="http://www.w3.org/2000/svg"><x:credential/></svg>`, "MALFORMED"],
    ["an unbound attribute prefix", `<svg xmlns="http://www.w3.org/2000/svg" x:a="1"/>`, "MALFORMED"],
    ["a namespace undeclaration", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:x=""/>`, "MALFORMED"],
    ["an empty declared prefix", `<svg xmlns:="http://www.w3.org/2000/svg"/>`, "MALFORMED"],
    ["a rebound xml prefix", `<svg xmlns="http://www.w3.org/2000/svg" xmlns:xml="urn:x"/>`, "MALFORMED"],
    [
      "nesting deeper than 256",
      `<svg xmlns="http://www.w3.org/2000/svg">${"<g>".repeat(256)}${"</g>".repeat(256)}</svg>`,
      "TOO_LARGE",
    ],
    ["no credential", SVG, "NO_CREDENTIAL"],
  ])("rejects %s", (_label, svg, code) => {
    expect(codeOf(() => extractFromSvg(svg))).toBe(code);
    if (code !== "NO_CREDENTIAL") {
      expect(codeOf(() => bakeSvg(svg, JWS_PAYLOAD))).toBe(code);
    }
  });

  it("accepts a DOCTYPE with only an external id, without fetching it", () => {
    const svg = `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://127.0.0.1:1/svg11.dtd">${bakeSvg(SVG.replace(/^<\?xml[^>]*>\n/, ""), JWS_PAYLOAD)}`;
    expect(extractFromSvg(svg).text).toBe(JWS_PAYLOAD);
  });

  it("resolves namespaces by scope: redeclared, shadowed and dropped at the end of an element", () => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" xmlns:o="urn:other">
      <g xmlns:o="${OB3_SVG_NAMESPACE}"><o:credential verify="${JWS_PAYLOAD}"/></g>
      <o:credential verify="x.y.z"/>
    </svg>`;
    expect(extractFromSvg(svg).text).toBe(JWS_PAYLOAD);
    const proto = `<svg xmlns="http://www.w3.org/2000/svg"><g xmlns:__proto__="urn:x"/><__proto__:g/></svg>`;
    expect(codeOf(() => extractFromSvg(proto))).toBe("MALFORMED"); // the binding ends with its element
  });

  it("reads a deep, wide document at the size cap to the end", () => {
    // How its cost grows with depth is measured by `npm run bench -- --only svg` (against saxes's own xmlns mode,
    // which walks every ancestor of each element), not with a clock in a test: the machine running it may be busy.
    const depth = 250;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg">${"<g>".repeat(depth)}${"<g/>".repeat(1_200_000)}${"</g>".repeat(depth)}</svg>`;
    expect(svg.length).toBeLessThan(5 * 1024 * 1024);
    expect(codeOf(() => extractFromSvg(svg))).toBe("NO_CREDENTIAL");
    const baked = bakeSvg(
      SVG.replace("</svg>", `${"<g>".repeat(depth)}${"<g/>".repeat(1000)}${"</g>".repeat(depth)}</svg>`),
      JWS_PAYLOAD,
    );
    expect(extractFromSvg(baked).text).toBe(JWS_PAYLOAD);
  });

  it("rejects two OB 3.0 credentials", () => {
    const baked = bakeSvg(SVG, JWS_PAYLOAD);
    const two = baked.replace("</svg>", `<openbadges:credential verify="${JWS_PAYLOAD}"/></svg>`);
    expect(codeOf(() => extractFromSvg(two))).toBe("DUPLICATE_CREDENTIAL");
    expect(count(bakeSvg(two, JSON_PAYLOAD), "<openbadges:credential")).toBe(1);
  });

  it("rejects oversized input before parsing it", () => {
    const big = SVG.replace("</svg>", `<desc>${"é".repeat(3 * 1024 * 1024)}</desc></svg>`);
    expect(codeOf(() => extractFromSvg(big))).toBe("TOO_LARGE");
    expect(codeOf(() => extractFromSvg(SVG, { maxBytes: 10 }))).toBe("TOO_LARGE");
  });
});
