import { describe, expect, it } from "vitest";
import { personContentBytes, personContentMarkup } from "../../src/http/pages/console/person-markup.js";
import { PersonContent } from "../../src/http/pages/console/person-page.js";
import type { EvidenceLine, PersonOverview, PersonProgress } from "../../src/services/people.js";
import type { ProgressStatus } from "../../src/services/progress.js";

const HOSTILE = `<script>alert("x")</script> & 'quoted'`;
const STATUSES: ProgressStatus[] = [
  "held",
  "renewal-due",
  "pending-approval",
  "eligible",
  "in-progress",
  "not-automated",
];
const KINDS: EvidenceLine["kind"][] = ["assessment", "completion", "rating", "closure"];

/** A small deterministic generator: the same overviews on every run. */
function random(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_103_515_245 + 12_345) >>> 0;
    return s / 2 ** 32;
  };
}

function overview(seed: number): PersonOverview {
  const r = random(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)] as T;
  const text = (plain: string) => (r() < 0.2 ? `${plain} ${HOSTILE}` : r() < 0.1 ? `Ümlaut ${plain} ✓` : plain);
  const at = (i: number) => new Date(Date.UTC(2020, 0, 1) + Math.floor(r() * 4e11) + i);
  const progress: PersonProgress[] = Array.from({ length: Math.floor(r() * 8) }, (_, i) => {
    const lines = Array.from({ length: Math.floor(r() * 5) }, (_, j) => ({
      words: text(`rule ${j}`),
      met: r() < 0.5,
      ...(r() < 0.5 ? { missing: text(`missing ${j}`) } : {}),
      notes: Array.from({ length: Math.floor(r() * 3) }, (_, k) => text(`note ${k}`)),
      depth: Math.floor(r() * 7),
    }));
    return {
      certification: text(`cert-${i}`),
      name: text(`Certification ${i}`),
      program: text(`Program ${i % 3}`),
      status: pick(STATUSES),
      lines,
      started: r() < 0.6,
    };
  });
  const evidenceIds = Array.from({ length: Math.floor(r() * 12) }, (_, i) => (r() < 0.1 ? `ev-${HOSTILE}` : `ev-${i}`));
  const lines: EvidenceLine[] = evidenceIds.map((id, i) => {
    const kind = pick(KINDS);
    const data: Record<string, unknown> =
      kind === "assessment"
        ? r() < 0.5
          ? { score: Math.floor(r() * 100) }
          : { passed: r() < 0.5 }
        : kind === "completion"
          ? { completion: "learning-path", ...(r() < 0.5 ? { mode: "live" } : {}) }
          : kind === "rating"
            ? { ratings: [4, 5, 3], scale: 5, ...(r() < 0.5 ? { delivery: text("d-1") } : {}) }
            : { delivery: text("d-2") };
    if (r() < 0.3) {
      data.graderRole = text("ps-engineer");
    }
    return {
      id,
      kind,
      item: text(`item-${i}`),
      occurredAt: at(i),
      submittedAt: at(i + 1),
      submittedBy: text(`key:${i}`),
      personName: null,
      data,
      supersedes: r() < 0.3 ? (r() < 0.2 ? HOSTILE : `ev-old-${i}`) : null,
      correctedBy: r() < 0.3 ? (r() < 0.2 ? HOSTILE : `ev-new-${i}`) : null,
    };
  });
  const total = r() < 0.1 ? 1 : lines.length + Math.floor(r() * 100);
  return {
    ref: r() < 0.2 ? `ref-${HOSTILE}` : `3f464fc3-64af-442f-9fe5-bd6e80eb7bc${seed % 10}`,
    email: text("ada@example.org"),
    name: text("Ada Lovelace"),
    progress,
    evidence:
      r() < 0.15 ? null : { lines, total, olderCursor: r() < 0.5 ? (pick([...evidenceIds, HOSTILE]) ?? null) : null },
    credentials:
      r() < 0.15
        ? null
        : Array.from({ length: Math.floor(r() * 4) }, (_, i) => ({
            id: r() < 0.1 ? HOSTILE : `cred-${i}`,
            achievementId: `a-${i}`,
            name: text(`Certification ${i}`),
            state: pick(["active", "revoked", "suspended", "expired"] as const),
            validFrom: at(i),
            validUntil: r() < 0.5 ? null : at(i + 2),
          })),
    history: Array.from({ length: Math.floor(r() * 6) }, (_, i) => ({
      seq: i,
      at: at(i).toISOString(),
      actor: text(`admin:${i}`),
      action: text("evidence.recorded"),
      target: { type: pick(["credential", "evidence", "approval", HOSTILE]), id: r() < 0.1 ? HOSTILE : `t-${i}` },
      details: {},
    })),
    stableUntil: 0,
  };
}

/**
 * The person page built as one string (person-markup.ts) is PersonContent's JSX markup exactly, over many shapes of
 * overview (every status, kind and state, empty and missing sections, corrections both ways, hostile and non-ASCII
 * text everywhere) and every combination of what the reader may do.
 */
describe("the person page built as a string", () => {
  it("is PersonContent's markup, byte for byte, over 400 overviews, as a string and as UTF-8 written by parts", () => {
    for (let seed = 1; seed <= 400; seed++) {
      const person = overview(seed);
      for (const canRecord of [true, false]) {
        for (const paged of [true, false]) {
          for (const auditLink of [true, false]) {
            for (const error of [undefined, HOSTILE]) {
              const props = { person, canRecord, paged, auditLink, ...(error === undefined ? {} : { error }) };
              const markup = String(PersonContent(props));
              expect(personContentMarkup(props), `seed ${seed}`).toBe(markup);
              // written a part at a time: the same bytes as the whole string encoded
              expect(Buffer.from(personContentBytes(props)).equals(Buffer.from(markup)), `seed ${seed}`).toBe(true);
            }
          }
        }
      }
    }
  });
});
