import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { csvCell } from "../../src/domain/csv.js";
import { appendAudit } from "../../src/storage/audit-repo.js";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
beforeEach(async () => {
  t = await makeTestApp();
  await createAccount(t, { email: "admin@example.org", role: "admin" });
  admin = await signIn(t, "admin@example.org");
});
afterEach(async () => {
  await t.close();
});

async function audit(at: string, actor: string, action: string, details: Record<string, unknown> = {}) {
  await t.ctx.store.tx((tx) =>
    appendAudit(tx, { at: new Date(at), actor, action, targetType: "credential", targetId: "c-1", details }),
  );
}

/** Parses our CSV (every cell quoted, CRLF line ends). */
function parseCsv(text: string): string[][] {
  return text
    .split("\r\n")
    .filter((line) => line !== "")
    .map((line) => [...line.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => (m[1] ?? "").replaceAll('""', '"')));
}

describe("the audit log's date filter", () => {
  it("keeps the entries of the days asked for, both included (UTC)", async () => {
    await audit("2026-02-27T23:59:59.999Z", "user:a", "x.before");
    await audit("2026-02-28T00:00:00.000Z", "user:a", "x.first-day");
    await audit("2026-03-01T23:59:59.999Z", "user:a", "x.last-day");
    await audit("2026-03-02T00:00:00.000Z", "user:a", "x.after");
    const html = await (await getPage(t, "/console/audit?from=2026-02-28&to=2026-03-01", admin.cookie)).text();
    expect(html).toContain("x.first-day");
    expect(html).toContain("x.last-day");
    expect(html).not.toContain("x.before");
    expect(html).not.toContain("x.after");
    expect(html).toContain('value="2026-02-28"');
  });

  it("re-renders the filter with the error next to the field for a bad date or range", async () => {
    for (const [query, field] of [
      ["from=yesterday", "from"],
      ["to=2026-02-30", "to"],
      ["from=2026-03-02&to=2026-03-01", "to"],
      ["from=%3Cb%3E1%3C%2Fb%3E", "from"],
    ] as const) {
      for (const path of ["/console/audit", "/console/audit/export.csv"]) {
        const res = await getPage(t, `${path}?${query}`, admin.cookie);
        expect(res.status, `${path}?${query}`).toBe(400);
        const html = await res.text();
        expect(html).toContain(`id="field-${field}-error"`);
        expect(html).not.toContain("<b>1</b>");
      }
    }
  });
});

describe("the audit log's CSV export", () => {
  it("exports every entry the filters select, newest first, formula cells neutralised, without secrets", async () => {
    await audit("2026-03-01T10:00:00.000Z", "user:a", "note.added", { note: '=HYPERLINK("http://evil")' });
    await audit("2026-03-01T11:00:00.000Z", "user:b", "note.added", { ok: 1 });
    await audit("2026-03-01T12:00:00.000Z", "user:a", "=cmd|' /C calc'!A0", { tokenHash: "abcdef", secret: "s3" });
    for (let i = 0; i < 620; i++) {
      await audit("2026-03-01T13:00:00.000Z", "user:a", "bulk.entry", { i });
    }
    const res = await getPage(
      t,
      "/console/audit/export.csv?actor=user%3Aa&from=2026-03-01&to=2026-03-01",
      admin.cookie,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="laurel-audit-2026-03-02.csv"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    const body = await res.text();
    const rows = parseCsv(body);
    expect(rows[0]).toEqual(["seq", "at", "actor", "action", "target_type", "target_id", "details"]);
    // 620 bulk entries (more than one batch of 500) and the two other entries of user:a, not user:b's
    expect(rows).toHaveLength(1 + 622);
    expect(rows.every((row) => row.length === 7)).toBe(true);
    expect(rows.slice(1).every((row) => row[2] === "user:a")).toBe(true);
    const seqs = rows.slice(1).map((row) => Number(row[0]));
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const formula = rows.find((row) => row[3]?.includes("calc"));
    expect(formula?.[3]).toBe("'=cmd|' /C calc'!A0");
    expect(formula?.[6]).toBe("{}");
    expect(body).not.toContain("abcdef");
    expect(body).not.toContain("s3");
    const note = rows.at(-1);
    expect(note?.[6]).toBe('{"note":"=HYPERLINK(\\"http://evil\\")"}');
  });

  it("quotes every cell and neutralises what a spreadsheet would run", () => {
    expect(csvCell("plain")).toBe('"plain"');
    expect(csvCell('say "hi", then\nbye')).toBe('"say ""hi"", then\nbye"');
    for (const start of ["=", "+", "-", "@", "\t", "\r"]) {
      expect(csvCell(`${start}1+1`)).toBe(`"'${start}1+1"`);
    }
  });

  it("is for audit:read: a program manager gets a 403 page, a visitor is sent to sign in", async () => {
    await createAccount(t, { email: "pm@example.org", role: "program-manager" });
    const pm = await signIn(t, "pm@example.org");
    const refused = await getPage(t, "/console/audit/export.csv", pm.cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("needs the &quot;audit:read&quot; permission");
    expect((await getPage(t, "/console/audit/export.csv")).status).toBe(303);
  });
});
