import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueCredential } from "../../src/services/issue-credential.js";
import { createAccount, getPage, postForm, signIn } from "../helpers/console.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { countRows } from "../helpers/store.js";

const TECH = "GitLab Technical Certifications";
const FIELD = "GitLab Field Product Certification";
const TRAINER = "GitLab Certified Trainer Program";
const ASSOCIATE = "gitlab-certified-associate";
const TRAINER_CERT = "certified-trainer-gitlab-basics";

let t: TestApp;
beforeEach(async () => {
  t = await makeTestApp();
});
afterEach(async () => {
  await t.close();
});

type Session = Awaited<ReturnType<typeof signIn>>;

async function grader(email: string, program: string, graderRole?: string): Promise<Session> {
  await createAccount(t, { email, role: "grader", program, ...(graderRole ? { graderRole } : {}) });
  return signIn(t, email);
}

/** The hidden externalId of a criterion's form on the page. */
function externalIdOf(html: string, criterion: string): string {
  const form = new RegExp(
    `name="criterion" value="${criterion}"/?>[\\s\\S]*?name="externalId" value="(console-[0-9a-f-]+)"`,
  ).exec(html);
  if (!form?.[1]) {
    throw new Error(`no form for ${criterion}`);
  }
  return form[1];
}

async function criteriaPage(s: Session, person: string, certification: string) {
  const res = await getPage(
    t,
    `/console/evidence/new?person=${encodeURIComponent(person)}&certification=${certification}`,
    s.cookie,
  );
  return { res, html: await res.text() };
}

async function record(
  s: Session,
  fields: { person: string; certification: string; criterion: string } & Record<string, string>,
  page?: string,
) {
  const html = page ?? (await criteriaPage(s, fields.person, fields.certification)).html;
  const externalId = externalIdOf(html, fields.criterion);
  const res = await postForm(
    t,
    "/console/evidence/new",
    { name: "", externalId, _csrf: s.csrf, ...fields },
    {
      cookie: s.cookie,
    },
  );
  return { res, html: await res.text(), externalId };
}

describe("console: record evidence", () => {
  it("renders the Associate's criteria from its definition, records the written score and the lab pass, and shows the award", async () => {
    const ps = await grader("pse@example.org", TECH, "ps-engineer");
    const { res, html } = await criteriaPage(ps, "ada@example.org", ASSOCIATE);
    expect(res.status).toBe(200);
    // one form per criterion: the scored written assessment, the pass/fail lab graded by a PS engineer
    expect(html).toContain('data-criterion="written"');
    expect(html).toContain('data-criterion="lab"');
    expect(html).toMatch(/id="field-written-score"/);
    expect(html).toMatch(/name="passed" value="yes"/);
    expect(html).toContain("Recorded only by a Professional Services engineer.");
    // the grader role is never a field of the form
    expect(html).not.toMatch(/name="graderRole"/);

    const written = await record(ps, {
      person: "ada@example.org",
      name: "Ada Lovelace",
      certification: ASSOCIATE,
      criterion: "written",
      score: "86",
      occurredAt: "2026-03-02T08:00",
    });
    expect(written.res.status).toBe(200);
    expect(written.html).toContain('data-outcome="recorded"');
    expect(written.html).toContain("GitLab Certified Associate: not met yet. What is still missing:");
    expect(written.html).toMatch(/data-met="no"><strong>Not met:<\/strong> Hands-on lab assessment/);
    expect(await countRows(t.store, "credentials")).toBe(0);

    const lab = await record(ps, {
      person: "ada@example.org",
      name: "Ada Lovelace",
      certification: ASSOCIATE,
      criterion: "lab",
      passed: "yes",
      occurredAt: "2026-03-02T09:00",
    });
    expect(lab.res.status).toBe(200);
    const credentialId =
      /data-award="issued"><strong>Awarded: GitLab Certified Associate\.<\/strong> <a href="\/credentials\/([0-9a-f-]{36})"/.exec(
        lab.html,
      )?.[1];
    expect(credentialId).toBeDefined();
    expect(await countRows(t.store, "credentials")).toBe(1);
    // the lab was recorded as the account's grader role, by the account
    const stored = (await t.ctx.store.conn().select().from(t.ctx.store.conn().t.evidence)).find(
      (row) => row.externalId === lab.externalId,
    );
    expect(stored?.data).toMatchObject({ passed: true, graderRole: "ps-engineer" });
    expect(stored?.submittedBy).toMatch(/^user:/);

    // the same form again (a reload): already recorded, nothing new
    const again = await postForm(
      t,
      "/console/evidence/new",
      {
        person: "ada@example.org",
        name: "Ada Lovelace",
        certification: ASSOCIATE,
        criterion: "lab",
        passed: "yes",
        occurredAt: "2026-03-02T09:00",
        externalId: lab.externalId,
        _csrf: ps.csrf,
      },
      { cookie: ps.cookie },
    );
    expect(await again.text()).toContain('data-outcome="duplicate"');
    // the same form with another result (Back, changed, submitted again): refused, nothing stored, a fresh form shown
    const changed = await postForm(
      t,
      "/console/evidence/new",
      {
        person: "ada@example.org",
        certification: ASSOCIATE,
        criterion: "lab",
        passed: "no",
        occurredAt: "2026-03-02T09:00",
        externalId: lab.externalId,
        _csrf: ps.csrf,
      },
      { cookie: ps.cookie },
    );
    expect(changed.status).toBe(409);
    const changedHtml = await changed.text();
    expect(changedHtml).toContain(
      "Nothing was recorded: this form was already submitted with other values: submit the fresh form below again",
    );
    expect(externalIdOf(changedHtml, "lab")).not.toBe(lab.externalId);
    expect(await countRows(t.store, "evidence")).toBe(2);
  });

  it("dates each form to the second by default, so a lab recorded right after the written pass counts", async () => {
    const ps = await grader("pse@example.org", TECH, "ps-engineer");
    const { html } = await criteriaPage(ps, "ada@example.org", ASSOCIATE);
    const dated = (page: string, criterion: string) =>
      new RegExp(`id="field-${criterion}-occurredAt" name="occurredAt" type="datetime-local" value="([^"]+)"`).exec(
        page,
      )?.[1] ?? "";
    expect(dated(html, "written")).toBe("2026-03-02T09:30:00");
    const written = await record(
      ps,
      {
        person: "ada@example.org",
        certification: ASSOCIATE,
        criterion: "written",
        score: "90",
        occurredAt: dated(html, "written"),
      },
      html,
    );
    t.clock.advance(5_000);
    // the page the written record answered with was rendered a few seconds later: its lab form is dated then
    const answer = await criteriaPage(ps, "ada@example.org", ASSOCIATE);
    expect(dated(answer.html, "lab")).toBe("2026-03-02T09:30:05");
    const lab = await record(
      ps,
      {
        person: "ada@example.org",
        certification: ASSOCIATE,
        criterion: "lab",
        passed: "yes",
        occurredAt: dated(answer.html, "lab"),
      },
      answer.html,
    );
    expect(written.res.status).toBe(200);
    expect(lab.html).toContain('data-award="issued"');
  });

  it("renders the Candidate Observation Form and the Training Survey from the trainer definition, per criterion", async () => {
    const trainer = await grader("ct@example.org", TRAINER, "certified-trainer");
    const { html } = await criteriaPage(trainer, "bo@example.org", TRAINER_CERT);
    // the observation form: its scale from the rule, ratings, the certified trainer's role; the survey: a delivery
    // field and its closure
    expect(html).toContain('data-criterion="observed-subset-delivery"');
    expect(html).toContain('value="gitlab-basics-candidate-observation-form"');
    expect(html).toContain("Ratings (1 to 5)");
    expect(html).toContain('data-criterion="training-survey"');
    expect(html).toContain('value="gitlab-basics-training-survey"');
    expect(html).toContain('data-criterion="close:training-survey"');
    expect(html).toContain('id="field-close-training-survey-delivery"');
    // the prerequisite: nothing to record
    expect(html).toContain('data-criterion="prereq-end-user-certification"');

    const observed = await record(
      trainer,
      {
        person: "bo@example.org",
        certification: TRAINER_CERT,
        criterion: "observed-subset-delivery",
        form: "gitlab-basics-candidate-observation-form",
        ratings: "5, 4 4 5",
        occurredAt: "2026-03-01T10:00",
      },
      html,
    );
    expect(observed.res.status).toBe(200);
    expect(observed.html).toMatch(/data-met="yes"><strong>Met:<\/strong> Observed delivery of a subset/);
    const surveys = await record(
      trainer,
      {
        person: "bo@example.org",
        certification: TRAINER_CERT,
        criterion: "training-survey",
        form: "gitlab-basics-training-survey",
        ratings: "5 5 4",
        delivery: "acme-2026-03",
        occurredAt: "2026-03-01T16:00",
      },
      html,
    );
    expect(surveys.res.status).toBe(200);
    expect(surveys.html).toMatch(
      /Not met:<\/strong> Delivery of the entire course[^<]*<span class="muted"> — missing: [^<]*clos/,
    );
    const closed = await record(
      trainer,
      {
        person: "bo@example.org",
        certification: TRAINER_CERT,
        criterion: "close:training-survey",
        form: "gitlab-basics-training-survey",
        delivery: "acme-2026-03",
        occurredAt: "2026-03-01T18:00",
      },
      html,
    );
    expect(closed.res.status).toBe(200);
    expect(closed.html).toMatch(/data-met="yes"><strong>Met:<\/strong> Delivery of the entire course/);
    const rows = await t.ctx.store.conn().select().from(t.ctx.store.conn().t.evidence);
    expect(rows.map((r) => [r.kind, r.item, r.data.graderRole])).toEqual([
      ["rating", "gitlab-basics-candidate-observation-form", "certified-trainer"],
      ["rating", "gitlab-basics-training-survey", "certified-trainer"],
      ["closure", "gitlab-basics-training-survey", "certified-trainer"],
    ]);
    expect(rows[0]?.data).toMatchObject({ scale: 5, ratings: [5, 4, 4, 5] });
  });

  it("refuses a grader of the field programs a technical lab with a 403 page, stores nothing", async () => {
    const field = await grader("fg@example.org", FIELD);
    const page = await getPage(t, "/console/evidence/new", field.cookie);
    const html = await page.text();
    expect(html).not.toContain(`value="${ASSOCIATE}"`);
    expect(html).toContain('value="field-product-certification-sales"');
    const { res, html: forbidden } = await criteriaPage(field, "ada@example.org", ASSOCIATE);
    expect(res.status).toBe(403);
    expect(forbidden).toContain("You may not do this");
    expect(forbidden).toContain("needs the &quot;evidence:write&quot; permission for GitLab Technical Certifications");
    const posted = await postForm(
      t,
      "/console/evidence/new",
      {
        person: "ada@example.org",
        certification: ASSOCIATE,
        criterion: "lab",
        passed: "yes",
        occurredAt: "2026-03-02T09:00",
        externalId: "console-forged",
        _csrf: field.csrf,
      },
      { cookie: field.cookie },
    );
    expect(posted.status).toBe(403);
    expect(await countRows(t.store, "evidence")).toBe(0);
  });

  it("refuses a lab from a grader of the program who does not grade as a PS engineer (403 page, the service's wording)", async () => {
    const plain = await grader("g@example.org", TECH);
    const { html } = await criteriaPage(plain, "ada@example.org", ASSOCIATE);
    expect(html).toContain('data-allowed="no"');
    const lab = await record(
      plain,
      {
        person: "ada@example.org",
        certification: ASSOCIATE,
        criterion: "lab",
        passed: "yes",
        occurredAt: "2026-03-02T09:00",
      },
      html,
    );
    expect(lab.res.status).toBe(403);
    expect(lab.html).toContain("needs the key of a ps-engineer; this key grades as no role");
    expect(await countRows(t.store, "evidence")).toBe(0);
  });

  it("re-renders bad input with the API's wording next to the field, inert, and stores nothing", async () => {
    const ps = await grader("pse@example.org", TECH, "ps-engineer");
    const { html } = await criteriaPage(ps, "ada@example.org", ASSOCIATE);
    const base = { person: "ada@example.org", certification: ASSOCIATE, occurredAt: "2026-03-02T08:00" };
    // empty score: the API's refinement, next to the score
    const empty = await record(ps, { ...base, criterion: "written", score: "" }, html);
    expect(empty.res.status).toBe(400);
    expect(empty.html).toMatch(/id="field-written-score-error">give a percent `score` or a pass\/fail `passed`/);
    // wrong type and out of range
    const text = await record(ps, { ...base, criterion: "written", score: "lots" }, html);
    expect(text.html).toMatch(/id="field-written-score-error">Invalid input: expected number, received string/);
    const big = await record(ps, { ...base, criterion: "written", score: "101" }, html);
    expect(big.html).toMatch(/id="field-written-score-error">must be between 0 and 100/);
    // a pass/fail lab given neither
    const none = await record(ps, { ...base, criterion: "lab" }, html);
    expect(none.html).toMatch(/id="field-lab-passed-error">give a percent `score` or a pass\/fail `passed`/);
    // a date without a time zone the form did not make, a date in the future
    const date = await record(ps, { ...base, criterion: "written", score: "90", occurredAt: "yesterday" }, html);
    expect(date.html).toMatch(/id="field-written-occurredAt-error">must be an ISO 8601 date-time with a time zone/);
    const future = await record(
      ps,
      { ...base, criterion: "written", score: "90", occurredAt: "2027-01-01T00:00" },
      html,
    );
    expect(future.html).toMatch(/id="field-written-occurredAt-error">is in the future/);
    // oversized comment, hostile markup kept inert in what is shown again
    const long = await record(
      ps,
      { ...base, criterion: "written", score: "90", comment: `<script>alert(1)</script>${"x".repeat(2100)}` },
      html,
    );
    expect(long.res.status).toBe(400);
    expect(long.html).toMatch(/id="field-written-comment-error">Too big: expected string to have &lt;=2000 characters/);
    expect(long.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(long.html).not.toContain("<script>alert(1)");
    // a hostile name: refused next to the person's name, inert
    const name = await record(ps, { ...base, criterion: "written", score: "90", name: "<b>x</b>\u202e" }, html);
    expect(name.res.status).toBe(400);
    expect(name.html).toMatch(/id="field-name-error">/);
    expect(name.html).toContain("&lt;b&gt;x&lt;/b&gt;");
    // unknown ids: a certification, a criterion, a person id; a bad email
    const cert = await record(ps, { ...base, criterion: "written", score: "90" }, html);
    expect(cert.res.status).toBe(200);
    const unknownCert = await postForm(
      t,
      "/console/evidence/new",
      { ...base, certification: "no-such-thing", criterion: "written", score: "90", externalId: "x", _csrf: ps.csrf },
      { cookie: ps.cookie },
    );
    expect(unknownCert.status).toBe(400);
    expect(await unknownCert.text()).toMatch(
      /id="field-certification-error">unknown achievement &quot;no-such-thing&quot;/,
    );
    const unknownCriterion = await postForm(
      t,
      "/console/evidence/new",
      { ...base, criterion: "<i>nope</i>", score: "90", externalId: "x", _csrf: ps.csrf },
      { cookie: ps.cookie },
    );
    expect(unknownCriterion.status).toBe(400);
    const criterionHtml = await unknownCriterion.text();
    expect(criterionHtml).toContain("has no criterion &quot;&lt;i&gt;nope&lt;/i&gt;&quot;");
    const unknownPerson = await getPage(
      t,
      `/console/evidence/new?person=7f1c0d62-2b8e-4a55-9a6e-0d2f3c4b5a69&certification=${ASSOCIATE}`,
      ps.cookie,
    );
    expect(unknownPerson.status).toBe(400);
    expect(await unknownPerson.text()).toMatch(/id="field-person-error">no person holds a credential with the id/);
    const badEmail = await getPage(
      t,
      `/console/evidence/new?person=not-an-email&certification=${ASSOCIATE}`,
      ps.cookie,
    );
    expect(badEmail.status).toBe(400);
    // only the one good record was stored
    expect(await countRows(t.store, "evidence")).toBe(1);
  });

  it("prefills the person from a credential holder's id, as the people pages link", async () => {
    const held = await issueCredential(t.ctx, {
      achievementId: "gitlab-certified-associate",
      recipient: { email: "cy@example.org", name: "Cy Young" },
      actor: "test",
    });
    const [recipient] = await t.ctx.store.conn().select().from(t.ctx.store.conn().t.recipients).limit(1);
    expect(recipient?.email).toBe("cy@example.org");
    const ps = await grader("pse@example.org", TECH, "ps-engineer");
    const page = await getPage(t, `/console/evidence/new?person=${recipient?.id}`, ps.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('value="cy@example.org"');
    expect(html).toContain('value="Cy Young"');
    expect(held.id).toBeDefined();
  });

  it("changes nothing for a form without the session's CSRF token, or with a wrong one", async () => {
    const ps = await grader("pse@example.org", TECH, "ps-engineer");
    const { html } = await criteriaPage(ps, "ada@example.org", ASSOCIATE);
    const fields = {
      person: "ada@example.org",
      certification: ASSOCIATE,
      criterion: "written",
      score: "90",
      occurredAt: "2026-03-02T08:00",
      externalId: externalIdOf(html, "written"),
    };
    const missing = await postForm(t, "/console/evidence/new", fields, { cookie: ps.cookie });
    expect(missing.status).toBe(403);
    const wrong = await postForm(
      t,
      "/console/evidence/new",
      { ...fields, _csrf: "x".repeat(43) },
      { cookie: ps.cookie },
    );
    expect(wrong.status).toBe(403);
    expect(await countRows(t.store, "evidence")).toBe(0);
  });

  it("answers an auditor or a program manager with a 403 page, and no session with sign-in", async () => {
    await createAccount(t, { email: "au@example.org", role: "auditor" });
    const auditor = await signIn(t, "au@example.org");
    expect((await getPage(t, "/console/evidence/new", auditor.cookie)).status).toBe(403);
    const posted = await postForm(
      t,
      "/console/evidence/new",
      { person: "a@example.org", certification: ASSOCIATE, criterion: "written", score: "90", _csrf: auditor.csrf },
      { cookie: auditor.cookie },
    );
    expect(posted.status).toBe(403);
    const anonymous = await getPage(t, "/console/evidence/new?person=a%40example.org");
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get("location")).toBe(
      "/console/sign-in?next=%2Fconsole%2Fevidence%2Fnew%3Fperson%3Da%2540example.org",
    );
    expect(await countRows(t.store, "evidence")).toBe(0);
  });
});
