import { describe, expect, it } from "vitest";
import { aGraderRole } from "../../src/domain/grader-roles.js";
import { resultWords } from "../../src/http/pages/components/credential-details.js";
import { renderMarkdown } from "../../src/http/pages/markdown.js";
import { prefersHtml } from "../../src/http/pages/negotiate.js";
import { mailtoUrl, ownPagePath, ownPath, safeHttpUrl, safeImageSrc } from "../../src/http/pages/urls.js";
import { pageCsp } from "../../src/http/send-page.js";

describe("prefersHtml", () => {
  it.each([
    ["text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", true],
    ["text/html", true],
    ["application/xhtml+xml", true],
    ["text/html;q=0.9, application/json;q=0.5", true],
    [undefined, false],
    ["", false],
    ["*/*", false],
    ["text/*", false],
    ["application/vc+ld+json", false],
    ["application/ld+json, text/html;q=0.5", false],
    ["application/json, text/html", true],
    ["text/html;q=0", false],
    ["TEXT/HTML; Q=1", true],
  ])("%s → %s", (accept, html) => {
    expect(prefersHtml(accept)).toBe(html);
  });
});

describe("renderMarkdown", () => {
  it("renders lists, emphasis and http(s)/mailto links marked nofollow", () => {
    const html = renderMarkdown("1. **Pass** the [exam](https://example.org/x) or [mail](mailto:a@b.org)");
    expect(html).toContain("<ol>\n<li><strong>Pass</strong> the ");
    expect(html).toContain('<a href="https://example.org/x" rel="nofollow noopener">exam</a>');
    expect(html).toContain('<a href="mailto:a@b.org" rel="nofollow noopener">mail</a>');
  });

  it("escapes raw HTML, drops unsafe or relative links and shows images as their alt text", () => {
    const html = renderMarkdown(
      "<script>x</script> <img src=x onerror=y> [a](javascript:alert(1)) [b](data:text/html,x) [c](/relative) ![alt <b>](https://evil.example/i.png)",
    );
    expect(html).not.toMatch(/<(script|img|a )/);
    expect(html).toContain("&lt;script&gt;x&lt;/script&gt;");
    expect(html).toContain("alt &lt;b&gt;");
    expect(html).not.toContain("evil.example");
  });
});

describe("URL policies", () => {
  it("keeps only absolute http(s) links", () => {
    expect(safeHttpUrl("https://example.org/a b")).toBe("https://example.org/a%20b");
    for (const bad of [
      "javascript:alert(1)",
      "JaVaScRiPt:alert(1)",
      "data:text/html,x",
      "/relative",
      "not a url",
      "",
    ]) {
      expect(safeHttpUrl(bad), bad).toBeUndefined();
    }
  });

  it("maps our own URLs to paths and refuses look-alike hosts", () => {
    expect(ownPath("https://badges.test/credentials/x?y=1", "https://badges.test")).toBe("/credentials/x?y=1");
    expect(ownPath("https://badges.test.evil.example/x", "https://badges.test")).toBeUndefined();
    expect(ownPath("https://badges.test@evil.example/x", "https://badges.test")).toBeUndefined();
  });

  it.each([
    "https://badges.test//evil.example/x",
    "https://badges.test/\\evil.example/x",
    "https://badges.test/\t/evil.example/x",
    "https://badges.test/a/..//evil.example/x",
    "https://badges.test/%2e%2e//evil.example/x",
  ])("never maps %s to a path a browser reads as another host", (url) => {
    expect(ownPath(url, "https://badges.test")).toBeUndefined();
    expect(safeImageSrc(url, "https://badges.test")).toBeUndefined();
  });

  it("links our pages only from their exact URLs, rebuilding the path", () => {
    const ours = (url: string) => ownPagePath(url, "https://badges.test", "credentials");
    expect(ours("https://badges.test/credentials/1b4e28ba-2fa1-11d2-883f-0016d3cca427")).toBe(
      "/credentials/1b4e28ba-2fa1-11d2-883f-0016d3cca427",
    );
    for (const url of [
      "https://badges.test/credentials//evil.example",
      "https://badges.test/credentials/x/../../admin",
      "https://badges.test/credentials/x?y=1",
      "https://badges.test/achievements/x",
      "http://badges.test/credentials/x",
      "https://badges.test.evil.example/credentials/x",
    ]) {
      expect(ours(url), url).toBeUndefined();
    }
  });

  it("loads images only from our origin or inline data: images", () => {
    expect(safeImageSrc("https://badges.test/a.png", "https://badges.test")).toBe("/a.png");
    expect(safeImageSrc("data:image/png;base64,AAAA", "https://badges.test")).toBe("data:image/png;base64,AAAA");
    expect(safeImageSrc("data:text/html;base64,AAAA", "https://badges.test")).toBeUndefined();
    expect(safeImageSrc("https://cdn.example/a.png", "https://badges.test")).toBeUndefined();
  });

  it("builds mailto links only for plausible addresses", () => {
    expect(mailtoUrl("a+b@example.org")).toBe("mailto:a%2Bb@example.org");
    expect(mailtoUrl("a@b@c")).toBeUndefined();
    expect(mailtoUrl('x"@y')).toBeUndefined();
  });
});

describe("page CSP", () => {
  it("allows no script, only our stylesheet, and images from us (plus a configured logo origin)", () => {
    expect(pageCsp()).toBe(
      "default-src 'none'; img-src 'self' data:; style-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(pageCsp("https://cdn.example")).toContain("img-src 'self' data: https://cdn.example;");
  });
});

describe("resultWords", () => {
  it("gives a result its unit: a percentage with %, a score with its maximum, a status in words", () => {
    expect(resultWords({ value: "95", resultType: "Percent" })).toBe("95 %");
    expect(resultWords({ value: "4.34", resultType: "RawScore", valueMax: "5" })).toBe("4.34 out of 5");
    expect(resultWords({ status: "Completed" })).toBe("Completed");
    expect(resultWords({ status: "InProgress" })).toBe("In progress");
    expect(resultWords({ value: "A+" })).toBe("A+");
    expect(resultWords({})).toBe("—");
  });
});

describe("grader role names", () => {
  it.each([
    ["ps-engineer", "a Professional Services engineer"],
    ["observer", "an observer"],
    ["lab-reviewer", "a lab reviewer"],
    // codes that are also Object.prototype names are spelt out like any unknown code
    ["constructor", "a constructor"],
    ["to-string", "a to string"],
    ["hasOwnProperty", "a hasOwnProperty"],
    ["__proto__", "a proto"],
  ])("%s → %s", (code, words) => {
    expect(aGraderRole(code)).toBe(words);
  });
});
