import {
  columnGroup,
  type JourneyColumn,
  type JourneyEdge,
  type JourneyInput,
  type JourneyLayout,
  type JourneyNode,
  journeyColumns,
} from "./journey.js";
import { wrapWords } from "./wrap-words.js";

/**
 * The journey for a phone screen: the certifications stacked in one column, level after level (each level under
 * its heading), and the arrows routed through vertical lanes to the right of the boxes. Arrows from one
 * certification to several share a lane (a fan-out), as do arrows from several into one (a fan-in), so the
 * drawing stays narrow enough to read at its natural size on a 390 px screen.
 */
export const STACKED_GEOMETRY = {
  nodeWidth: 232,
  lineHeight: 18,
  padding: 10,
  /** Space between two boxes of one level, and before a new level. */
  rowGap: 10,
  levelGap: 22,
  headingHeight: 26,
  laneGap: 14,
  margin: 8,
  /** An arrow leaves a box below its middle and enters one above it, so the two never share a segment. */
  portOffset: 7,
  charsPerLine: 27,
} as const;

type Group = { lane: number; top: number; bottom: number; edges: Array<{ from: string; to: string }> };

/** Edges grouped into fan-outs (one source, several targets), fan-ins (several sources, one target), or alone. */
function edgeGroups(inputs: JourneyInput[], known: Set<string>): Array<Array<{ from: string; to: string }>> {
  const edges = inputs.flatMap((n) => n.prerequisites.filter((p) => known.has(p)).map((p) => ({ from: p, to: n.id })));
  const groups: Array<Array<{ from: string; to: string }>> = [];
  const left = new Set(edges);
  const take = (key: (e: { from: string; to: string }) => string) => {
    const byKey = new Map<string, Array<{ from: string; to: string }>>();
    for (const e of left) {
      byKey.set(key(e), [...(byKey.get(key(e)) ?? []), e]);
    }
    for (const group of byKey.values()) {
      if (group.length > 1) {
        groups.push(group);
        for (const e of group) {
          left.delete(e);
        }
      }
    }
  };
  take((e) => e.from);
  take((e) => e.to);
  for (const e of left) {
    groups.push([e]);
  }
  return groups;
}

/** Lays out the journey stacked top to bottom (see STACKED_GEOMETRY). */
export function layoutJourneyStacked(inputs: JourneyInput[]): JourneyLayout {
  const g = STACKED_GEOMETRY;
  const stacks = journeyColumns(inputs);
  const known = new Set(inputs.map((n) => n.id));
  const columns: JourneyColumn[] = [];
  const nodes: JourneyNode[] = [];
  let y = g.margin;
  stacks.forEach((stack, col) => {
    if (col > 0) {
      y += g.levelGap - g.rowGap;
    }
    const heading = columnGroup(stack);
    if (heading) {
      columns.push({ x: g.margin + g.nodeWidth / 2, y: y + g.headingHeight / 2, label: heading });
      y += g.headingHeight;
    }
    for (const n of stack) {
      const lines = wrapWords(n.label, g.charsPerLine);
      const height = 2 * g.padding + g.lineHeight * Math.max(1, lines.length);
      nodes.push({ id: n.id, label: n.label, lines, column: col, x: g.margin, y, width: g.nodeWidth, height });
      y += height + g.rowGap;
    }
  });
  const placed = new Map(nodes.map((n) => [n.id, n]));
  const out = (id: string) => {
    const n = placed.get(id) as JourneyNode;
    return n.y + n.height / 2 + g.portOffset;
  };
  const into = (id: string) => {
    const n = placed.get(id) as JourneyNode;
    return n.y + n.height / 2 - g.portOffset;
  };
  // Lanes by interval colouring: a group's lane spans its highest to its lowest port.
  const groups: Group[] = edgeGroups(inputs, known)
    .map((edges) => {
      const ys = edges.flatMap((e) => [out(e.from), into(e.to)]);
      return { lane: 0, top: Math.min(...ys), bottom: Math.max(...ys), edges };
    })
    .sort((a, b) => a.top - b.top || a.bottom - b.bottom);
  const laneBottoms: number[] = [];
  for (const group of groups) {
    const free = laneBottoms.findIndex((bottom) => bottom + g.laneGap < group.top);
    group.lane = free === -1 ? laneBottoms.length : free;
    laneBottoms[group.lane] = group.bottom;
  }
  const right = g.margin + g.nodeWidth;
  const edges: JourneyEdge[] = groups.flatMap((group) =>
    group.edges.map((e) => {
      const laneX = right + g.laneGap * (group.lane + 1);
      return { from: e.from, to: e.to, d: `M${right} ${out(e.from)}H${laneX}V${into(e.to)}H${right}` };
    }),
  );
  const width = nodes.length === 0 ? 0 : right + g.laneGap * (laneBottoms.length + 1) + g.margin;
  return { width, height: nodes.length === 0 ? 0 : y - g.rowGap + g.margin, nodes, edges, columns };
}
