import { describe, expect, it } from "vitest";
import { JOURNEY_GEOMETRY, layoutJourney } from "../../src/domain/journey.js";
import { layoutJourneyStacked, STACKED_GEOMETRY } from "../../src/domain/journey-stacked.js";
import { programJourneys } from "../../src/domain/program-journeys.js";
import { wrapWords } from "../../src/domain/wrap-words.js";
import { loadCatalog } from "../../src/load-templates.js";

describe("wrapWords", () => {
  it("breaks at spaces within the width and keeps an over-long word whole", () => {
    expect(wrapWords("GitLab Certified Project Management Specialist", 22)).toEqual([
      "GitLab Certified",
      "Project Management",
      "Specialist",
    ]);
    expect(wrapWords("Supercalifragilisticexpialidocious yes", 10)).toEqual([
      "Supercalifragilisticexpialidocious",
      "yes",
    ]);
    expect(wrapWords("  ", 10)).toEqual([]);
  });
});

describe("layoutJourney", () => {
  const diamond = [
    { id: "pro", label: "Professional", prerequisites: ["s1", "s2"] },
    { id: "assoc", label: "Associate", prerequisites: [] },
    { id: "s1", label: "Specialist one", prerequisites: ["assoc"] },
    { id: "s2", label: "Specialist two", prerequisites: ["assoc", "elsewhere"] },
  ];

  it("puts each certification one column after its latest prerequisite and ignores unknown ones", () => {
    const layout = layoutJourney(diamond);
    const column = Object.fromEntries(layout.nodes.map((n) => [n.id, n.column]));
    expect(column).toEqual({ assoc: 0, s1: 1, s2: 1, pro: 2 });
    expect(layout.edges.map((e) => `${e.from}>${e.to}`).sort()).toEqual(["assoc>s1", "assoc>s2", "s1>pro", "s2>pro"]);
  });

  it("keeps boxes inside the canvas, without overlaps, and centres short columns", () => {
    const layout = layoutJourney(diamond);
    for (const n of layout.nodes) {
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.y).toBeGreaterThanOrEqual(0);
      expect(n.x + n.width).toBeLessThanOrEqual(layout.width);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
    }
    for (const a of layout.nodes) {
      for (const b of layout.nodes) {
        if (a !== b && a.column === b.column) {
          expect(a.y + a.height <= b.y || b.y + b.height <= a.y).toBe(true);
        }
      }
    }
    const centre = (id: string) => {
      const n = layout.nodes.find((x) => x.id === id)!;
      return n.y + n.height / 2;
    };
    expect(centre("assoc")).toBeCloseTo(layout.height / 2);
    expect(centre("pro")).toBeCloseTo(layout.height / 2);
    expect(layout.width).toBe(
      2 * JOURNEY_GEOMETRY.margin + 3 * JOURNEY_GEOMETRY.nodeWidth + 2 * JOURNEY_GEOMETRY.columnGap,
    );
  });

  it("draws each arrow from the right edge of the prerequisite to the left edge of what it opens", () => {
    const layout = layoutJourney(diamond);
    const edge = layout.edges.find((e) => e.from === "assoc" && e.to === "s1")!;
    const assoc = layout.nodes.find((n) => n.id === "assoc")!;
    const s1 = layout.nodes.find((n) => n.id === "s1")!;
    expect(edge.d.startsWith(`M${assoc.x + assoc.width} ${assoc.y + assoc.height / 2}C`)).toBe(true);
    expect(edge.d.endsWith(`${s1.x} ${s1.y + s1.height / 2}`)).toBe(true);
  });

  it("heads a column with the group its certifications share, and leaves mixed columns unheaded", () => {
    const layout = layoutJourney([
      { id: "a", label: "A", prerequisites: [], group: "entry" },
      { id: "b", label: "B", prerequisites: ["a"], group: "next" },
      { id: "c", label: "C", prerequisites: ["a"], group: "other" },
    ]);
    expect(layout.columns).toEqual([
      { x: JOURNEY_GEOMETRY.margin + JOURNEY_GEOMETRY.nodeWidth / 2, y: expect.any(Number), label: "entry" },
    ]);
    expect(layoutJourney(diamond).columns).toEqual([]);
  });

  it("refuses a cycle and lays out nothing as an empty canvas", () => {
    expect(() =>
      layoutJourney([
        { id: "a", label: "A", prerequisites: ["b"] },
        { id: "b", label: "B", prerequisites: ["a"] },
      ]),
    ).toThrow(/cycle/);
    expect(layoutJourney([])).toMatchObject({ width: 0, nodes: [], edges: [] });
  });
});

describe("programJourneys on the real catalog", () => {
  it("draws Associate → Specialists → Professional for the technical certifications, and nothing for unlinked programs", () => {
    const journeys = programJourneys(loadCatalog("templates").entries);
    expect(journeys.map((j) => j.program)).toEqual(["GitLab Technical Certifications"]);
    const layout = journeys[0]!.layout;
    const column = Object.fromEntries(layout.nodes.map((n) => [n.id, n.column]));
    expect(column["gitlab-certified-associate"]).toBe(0);
    expect(column["gitlab-certified-cicd-specialist"]).toBe(1);
    expect(column["gitlab-certified-security-specialist"]).toBe(1);
    expect(column["gitlab-certified-devops-professional"]).toBe(2);
    expect(layout.edges.filter((e) => e.to === "gitlab-certified-devops-professional")).toHaveLength(3);
    expect(layout.columns.map((c) => c.label)).toEqual(["associate", "specialist", "professional"]);
    for (const n of layout.nodes) {
      expect(n.y).toBeGreaterThanOrEqual(JOURNEY_GEOMETRY.margin + JOURNEY_GEOMETRY.headingHeight);
    }
  });
});

describe("layoutJourneyStacked (phones)", () => {
  it("stacks the technical journey level after level, narrow enough for a 390 px screen at its natural size", () => {
    const journey = programJourneys(loadCatalog("templates").entries)[0]!;
    const layout = journey.stacked;
    // a 390 px screen leaves about 324 px inside the page margins and the figure's padding
    expect(layout.width).toBeLessThanOrEqual(320);
    expect(layout.columns.map((c) => c.label)).toEqual(["associate", "specialist", "professional"]);
    const byId = new Map(layout.nodes.map((n) => [n.id, n]));
    const y = (id: string) => byId.get(id)!.y;
    expect(y("gitlab-certified-associate")).toBeLessThan(y("gitlab-certified-cicd-specialist"));
    expect(y("gitlab-certified-security-specialist")).toBeLessThan(y("gitlab-certified-devops-professional"));
    // one column of boxes inside the canvas, none overlapping
    const nodes = [...layout.nodes].sort((a, b) => a.y - b.y);
    nodes.forEach((n, i) => {
      expect(n.x).toBe(STACKED_GEOMETRY.margin);
      expect(n.y + n.height).toBeLessThanOrEqual(layout.height);
      if (i > 0) {
        expect(nodes[i - 1]!.y + nodes[i - 1]!.height).toBeLessThan(n.y);
      }
    });
    expect(layout.edges).toHaveLength(journey.layout.edges.length);
  });

  it("routes each arrow out of its source below the middle and into its target above it, through a lane on the right", () => {
    const layout = layoutJourneyStacked([
      { id: "pro", label: "Professional", prerequisites: ["s1", "s2"] },
      { id: "assoc", label: "Associate", prerequisites: [] },
      { id: "s1", label: "Specialist one", prerequisites: ["assoc"] },
      { id: "s2", label: "Specialist two", prerequisites: ["assoc"] },
    ]);
    const g = STACKED_GEOMETRY;
    const right = g.margin + g.nodeWidth;
    const node = (id: string) => layout.nodes.find((n) => n.id === id)!;
    const mid = (id: string) => node(id).y + node(id).height / 2;
    const lanes = new Set<number>();
    for (const e of layout.edges) {
      const m = /^M(\d+(?:\.\d+)?) (\S+)H(\S+)V(\S+)H(\S+)$/.exec(e.d);
      expect(m, e.d).not.toBeNull();
      const [, x1, y1, lane, y2, x2] = m!.map(Number);
      expect([x1, x2]).toEqual([right, right]);
      expect(y1).toBe(mid(e.from) + g.portOffset);
      expect(y2).toBe(mid(e.to) - g.portOffset);
      lanes.add(lane!);
    }
    // the fan-out from the Associate and the fan-in to the Professional overlap in height: two lanes
    expect(lanes.size).toBe(2);
    expect(layout.width).toBe(right + 3 * g.laneGap + g.margin);
  });
});
