import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/services/issue-credential.js";
import { submitEvidence } from "../../src/services/submit-evidence.js";
import { createAccount, getPage, signIn } from "../helpers/console.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";

const FIELD = "GitLab Field Product Certification";
const TECH = "GitLab Technical Certifications";
const ASSOCIATE = "gitlab-certified-associate";
const FIELD_CERT = "field-product-certification-sales";
const ADMIN = { actor: "test", graderRole: null, isAdmin: true };

let t: TestApp;
let admin: Awaited<ReturnType<typeof signIn>>;
beforeEach(async () => {
  t = await makeTestApp({ now: new Date("2026-03-10T12:00:00Z") });
  await createAccount(t, { email: "admin@example.org", role: "admin" });
  admin = await signIn(t, "admin@example.org");
});
afterEach(async () => {
  await t.close();
});

let seq = 0;
async function written(email: string, name: string, score: number, supersedes?: string) {
  const result = await submitEvidence(
    t.ctx,
    {
      kind: "assessment",
      externalId: `w-${++seq}`,
      person: { email, name },
      occurredAt: new Date(Date.parse("2026-03-01T09:00:00Z") + seq * 60_000).toISOString(),
      assessment: "gitlab-associate-written",
      score,
      ...(supersedes ? { supersedes } : {}),
    } as never,
    ADMIN,
  );
  return result.evidence.id;
}

async function lab(email: string, name: string) {
  await submitEvidence(
    t.ctx,
    {
      kind: "assessment",
      externalId: `l-${++seq}`,
      person: { email, name },
      occurredAt: "2026-03-05T09:00:00Z",
      assessment: "gitlab-associate-lab",
      passed: true,
      graderRole: "ps-engineer",
    } as never,
    { actor: "test", graderRole: "ps-engineer", isAdmin: true },
  );
}

async function issue(achievementId: string, email: string, name: string) {
  const view = await issueCredential(t.ctx, { achievementId, recipient: { email, name }, actor: "test" });
  t.clock.advance(1000);
  return view;
}

/** The people a search page links to: [reference, name], in order. */
function listed(html: string): Array<[string, string]> {
  return [...html.matchAll(/href="\/console\/people\/([^"]+)" data-person="[^"]+">([^<]*)</g)].map((m) => [
    m[1] as string,
    m[2] as string,
  ]);
}

describe("console people search", () => {
  it("finds people by the beginning of their address or name, in either case, whether they hold credentials or only evidence", async () => {
    await issue(FIELD_CERT, "ada@example.org", "Ada Lovelace");
    await written("grace@example.org", "Grace Hopper", 50);
    await issue(FIELD_CERT, "alan@example.org", "Alan Turing");
    await written("zed@example.org", "Adalbert Zed", 40);

    const byName = await getPage(t, "/console/people?q=ADA", admin.cookie);
    expect(byName.status).toBe(200);
    expect(listed(await byName.text()).map(([, name]) => name)).toEqual(["Ada Lovelace", "Adalbert Zed"]);
    const byEmail = await (await getPage(t, "/console/people?q=grace%40", admin.cookie)).text();
    expect(listed(byEmail).map(([, name]) => name)).toEqual(["Grace Hopper"]);
    const byAddressStart = await (await getPage(t, "/console/people?q=al", admin.cookie)).text();
    expect(listed(byAddressStart).map(([, name]) => name)).toEqual(["Alan Turing"]);
    // a full name (a space: the beginning of no address) by name alone, whether they hold credentials or not
    const fullName = await (await getPage(t, "/console/people?q=ada%20L", admin.cookie)).text();
    expect(listed(fullName).map(([, name]) => name)).toEqual(["Ada Lovelace"]);
    const evidenceOnly = await (await getPage(t, "/console/people?q=grace%20h", admin.cookie)).text();
    expect(listed(evidenceOnly).map(([, name]) => name)).toEqual(["Grace Hopper"]);
    const everyone = await (await getPage(t, "/console/people", admin.cookie)).text();
    expect(listed(everyone).map(([, name]) => name)).toEqual([
      "Ada Lovelace",
      "Alan Turing",
      "Grace Hopper",
      "Adalbert Zed",
    ]);
    // no e-mail address in any reference
    for (const [ref] of listed(everyone)) {
      expect(decodeURIComponent(ref)).not.toContain("@");
    }
  });

  it("lists each person once, when both their name and their address begin with the search", async () => {
    await issue(FIELD_CERT, "ada.lovelace@example.org", "Ada Lovelace");
    await written("ada.lovelace@example.org", "Ada Lovelace", 50);
    const html = await (await getPage(t, "/console/people?q=ada", admin.cookie)).text();
    expect(listed(html)).toHaveLength(1);
  });

  it("pages by keyset cursor, 50 to a page, without repeating or skipping anyone", async () => {
    const names: string[] = [];
    for (let i = 0; i < 53; i++) {
      const name = `Person ${String(i).padStart(2, "0")}`;
      names.push(name);
      if (i % 2) {
        await issue(FIELD_CERT, `p${String(i).padStart(2, "0")}@example.org`, name);
      } else {
        await written(`p${String(i).padStart(2, "0")}@example.org`, name, 10);
      }
    }
    for (const q of ["person", "p"]) {
      const first = await (await getPage(t, `/console/people?q=${q}`, admin.cookie)).text();
      expect(listed(first).map(([, n]) => n)).toEqual(names.slice(0, 50));
      const next = /href="(\/console\/people\?[^"]*cursor=[^"]+)">More matches/.exec(first)?.[1];
      expect(next).toBeDefined();
      const second = await (await getPage(t, (next as string).replaceAll("&amp;", "&"), admin.cookie)).text();
      expect(listed(second).map(([, n]) => n)).toEqual(names.slice(50));
      expect(second).not.toContain("More matches");
      expect(second).toContain("First matches");
    }
  });

  it("shows a program manager and a grader only the people of their programs", async () => {
    await issue(FIELD_CERT, "field@example.org", "Fiona Field");
    await issue(ASSOCIATE, "tech@example.org", "Terry Tech");
    await written("learner@example.org", "Lee Learner", 50);
    await createAccount(t, { email: "pm@example.org", role: "program-manager", program: FIELD });
    const pm = await signIn(t, "pm@example.org");
    const pmList = await (await getPage(t, "/console/people", pm.cookie)).text();
    expect(listed(pmList).map(([, n]) => n)).toEqual(["Fiona Field"]);
    expect(pmList).not.toContain("tech@example.org");

    await createAccount(t, { email: "grader@example.org", role: "grader", program: TECH, graderRole: "ps-engineer" });
    const grader = await signIn(t, "grader@example.org");
    const graderList = await (await getPage(t, "/console/people", grader.cookie)).text();
    // a grader reads evidence, not credentials: the learner with an Associate written score only
    expect(listed(graderList).map(([, n]) => n)).toEqual(["Lee Learner"]);

    // the technical person's page is refused to the field manager (403 page), opened by the admin
    const adminList = listed(await (await getPage(t, "/console/people?q=terry", admin.cookie)).text());
    const techRef = adminList[0]?.[0] as string;
    const refused = await getPage(t, `/console/people/${techRef}`, pm.cookie);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Your roles do not allow this");
    expect((await getPage(t, `/console/people/${techRef}`, admin.cookie)).status).toBe(200);
  });

  it("shows hostile markup inert, refuses an oversized search and a forged page link next to the field", async () => {
    await written("x@example.org", "<script>alert(1)</script>", 50);
    const hostile = await getPage(t, `/console/people?q=${encodeURIComponent("<script>")}`, admin.cookie);
    expect(hostile.status).toBe(200);
    const html = await hostile.text();
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");

    const long = await getPage(t, `/console/people?q=${"a".repeat(201)}`, admin.cookie);
    expect(long.status).toBe(400);
    expect(await long.text()).toMatch(/id="field-q-error">must be at most 200 characters/);
    const forged = await getPage(t, "/console/people?q=a&cursor=not-a-cursor", admin.cookie);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toMatch(/id="field-q-error">the page link is not valid: search again/);
    const sql = await getPage(t, `/console/people?q=${encodeURIComponent("' or 1=1 --")}`, admin.cookie);
    expect(sql.status).toBe(200);
    expect(listed(await sql.text())).toEqual([]);
  });

  it("sends a visitor without a session to sign in", async () => {
    const res = await getPage(t, "/console/people?q=ada");
    expect(res.status).toBe(303);
    expect(res.headers.get("location")).toMatch(/^\/console\/sign-in\?next=/);
  });
});

describe("console person page", () => {
  it("shows progress in the catalog's words, evidence with corrections, credentials and history; no address in the log", async () => {
    const first = await written("grace@example.org", "Grace Hopper", 50);
    const fixed = await written("grace@example.org", "Grace Hopper", 91, first);
    const field = await issue(FIELD_CERT, "grace@example.org", "Grace Hopper");
    const ref = listed(await (await getPage(t, "/console/people?q=grace", admin.cookie)).text())[0]?.[0] as string;
    t.logLines.length = 0;

    const res = await getPage(t, `/console/people/${ref}`, admin.cookie);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("<h1>Grace Hopper</h1>");
    // progress on the Associate: the written exam met (the corrected score), the lab missing, in public words
    const associate = html.slice(html.indexOf(`data-progress="${ASSOCIATE}"`));
    expect(associate).toMatch(/data-status="in-progress"/);
    expect(associate).toMatch(/Met:<\/strong> [^<]*Pass the GitLab Certified Associate written exam with a score of/);
    expect(associate).toMatch(/Not met:<\/strong> [^<]*lab/);
    // evidence newest first, the correction and the corrected record linked both ways
    const rows = [...html.matchAll(/data-evidence="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual([fixed, first]);
    expect(html).toContain(`data-corrected-by="${fixed}"`);
    expect(html).toContain(`data-corrects="${first}"`);
    expect(html).toMatch(/score 91 %/);
    // credentials link to their console page; history names the evidence and the credential
    expect(html).toContain(`href="/console/credentials/${field.id}"`);
    expect(html).toContain("evidence.corrected");
    expect(html).toContain("credential.issued");
    // the link to record evidence for them (the evidence form), by reference
    expect(html).toContain(`href="/console/evidence/new?person=${ref}"`);
    // the request was logged without the address (the path names the route's pattern)
    const logged = t.logLines.join("\n");
    expect(logged).toContain("/console/people/:ref");
    expect(logged).not.toContain("grace@example.org");
  });

  it("opens by an evidence record's reference for someone with evidence only, pages the evidence 50 at a time", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 53; i++) {
      ids.push(await written("many@example.org", "Mary Many", 40));
    }
    const ref = listed(await (await getPage(t, "/console/people?q=mary", admin.cookie)).text())[0]?.[0] as string;
    expect(ids).toContain(ref);
    const page = await (await getPage(t, `/console/people/${ref}`, admin.cookie)).text();
    const rows = [...page.matchAll(/data-evidence="([^"]+)"/g)].map((m) => m[1]);
    expect(rows).toEqual([...ids].reverse().slice(0, 50));
    const older = /href="([^"]*\?evidence=[^"#]+)#evidence-head">Older evidence/.exec(page)?.[1] as string;
    const second = await (await getPage(t, older, admin.cookie)).text();
    expect([...second.matchAll(/data-evidence="([^"]+)"/g)].map((m) => m[1])).toEqual([...ids].reverse().slice(50));
    expect(second).toContain("Newest evidence");
    // the grader role: no credentials section without credentials:read, evidence still shown
    await createAccount(t, { email: "grader@example.org", role: "grader", program: TECH, graderRole: "ps-engineer" });
    const grader = await signIn(t, "grader@example.org");
    const graderPage = await (await getPage(t, `/console/people/${ref}`, grader.cookie)).text();
    expect(graderPage).not.toContain('id="credentials-head"');
    expect(graderPage).toContain('id="evidence-head"');
  });

  it("answers an unknown or hostile reference with a 404 page, and a forged evidence page link with the newest page", async () => {
    const unknown = await getPage(t, "/console/people/0b7ef6a2-0000-4000-8000-000000000000", admin.cookie);
    expect(unknown.status).toBe(404);
    const hostile = await getPage(t, `/console/people/${encodeURIComponent("<b>x</b>")}`, admin.cookie);
    expect(hostile.status).toBe(404);
    const text = await hostile.text();
    expect(text).not.toContain("<b>x</b>");
    await written("grace@example.org", "Grace Hopper", 50);
    const ref = listed(await (await getPage(t, "/console/people", admin.cookie)).text())[0]?.[0] as string;
    const forged = await getPage(t, `/console/people/${ref}?evidence=nope`, admin.cookie);
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain("The evidence page link is not valid");
  });

  it("shows the award once the lab is recorded too", async () => {
    await written("grace@example.org", "Grace Hopper", 91);
    await lab("grace@example.org", "Grace Hopper");
    const ref = listed(await (await getPage(t, "/console/people", admin.cookie)).text())[0]?.[0] as string;
    const html = await (await getPage(t, `/console/people/${ref}`, admin.cookie)).text();
    expect(html).toMatch(new RegExp(`data-progress="${ASSOCIATE}" data-status="held"`));
    expect(html).toContain("GitLab Certified Associate</a>");
  });

  it("shows the newest 50 history entries the reader may see, however many newer ones they may not", async () => {
    const field = await issue(FIELD_CERT, "grace@example.org", "Grace Hopper");
    for (let i = 0; i < 55; i++) {
      await written("grace@example.org", "Grace Hopper", 40);
    }
    const ref = listed(await (await getPage(t, "/console/people?q=grace", admin.cookie)).text())[0]?.[0] as string;
    /** The history table's rows: [action, what it is about]. */
    const history = (html: string) =>
      [
        ...html
          .slice(html.indexOf('id="history-head"'))
          .matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td><code>[^<]*<\/code><\/td><td>(.*?)<\/td><\/tr>/g),
      ].map((m) => [m[1], m[2]]);
    // the admin: the 50 newest entries, every one about a record (the credential's is older)
    const all = history(await (await getPage(t, `/console/people/${ref}`, admin.cookie)).text());
    expect(all).toHaveLength(50);
    expect(all.every(([, about]) => about?.startsWith("evidence <code>"))).toBe(true);
    // the Field program's manager sees no evidence of the Technical program: behind the 55 newer entries about the
    // records, the one entry about the credential
    await createAccount(t, { email: "field@example.org", role: "program-manager", program: FIELD });
    const manager = await signIn(t, "field@example.org");
    const theirs = history(await (await getPage(t, `/console/people/${ref}`, manager.cookie)).text());
    expect(theirs).toEqual([["credential.issued", `<a href="/console/credentials/${field.id}">credential</a>`]]);
  });
});
