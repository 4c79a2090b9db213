import { wrapWords } from "./wrap-words.js";

/**
 * The certification journey as a left-to-right diagram: each certification sits in the column after its latest
 * prerequisite (Associate → Specialists → Professional), arrows run from a prerequisite to what it opens. Pure
 * geometry in SVG user units; the page draws it.
 */

/** `group` (e.g. the badge level) names a column when every certification in it shares it. */
export type JourneyInput = { id: string; label: string; prerequisites: string[]; group?: string };

export type JourneyNode = {
  id: string;
  label: string;
  /** The label broken into lines that fit the box. */
  lines: string[];
  column: number;
  x: number;
  y: number;
  width: number;
  height: number;
};

export type JourneyEdge = {
  from: string;
  to: string /** SVG path data, a cubic curve between box edges. */;
  d: string;
};

/** A column heading, centred at `x`, on the baseline `y`. */
export type JourneyColumn = { x: number; y: number; label: string };

export type JourneyLayout = {
  width: number;
  height: number;
  nodes: JourneyNode[];
  edges: JourneyEdge[];
  columns: JourneyColumn[];
};

export const JOURNEY_GEOMETRY = {
  nodeWidth: 200,
  lineHeight: 18,
  padding: 12,
  columnGap: 56,
  rowGap: 16,
  margin: 8,
  /** Room above the boxes for column headings, when there are any. */
  headingHeight: 28,
  /** Characters per line at the page's 14-unit label font (about 7.5 units per character, with room to spare). */
  charsPerLine: 22,
} as const;

/** Column of each node: 0 without prerequisites, else one more than its latest prerequisite's. Throws on a cycle. */
function columnsOf(inputs: JourneyInput[], known: Set<string>): Map<string, number> {
  const byId = new Map(inputs.map((n) => [n.id, n]));
  const columns = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const found = columns.get(id);
    if (found !== undefined) {
      return found;
    }
    if (visiting.has(id)) {
      throw new Error(`prerequisite cycle through "${id}"`);
    }
    visiting.add(id);
    const prerequisites = (byId.get(id)?.prerequisites ?? []).filter((p) => known.has(p));
    const column = prerequisites.length === 0 ? 0 : Math.max(...prerequisites.map(visit)) + 1;
    visiting.delete(id);
    columns.set(id, column);
    return column;
  };
  for (const n of inputs) {
    visit(n.id);
  }
  return columns;
}

/**
 * The certifications by column (0 without prerequisites, else one after the latest prerequisite; those outside
 * `inputs` are ignored), each column ordered by the average row of its prerequisites (fewer crossings), then input
 * order. Throws on a cycle.
 */
export function journeyColumns(inputs: JourneyInput[]): JourneyInput[][] {
  const known = new Set(inputs.map((n) => n.id));
  const columnOf = columnsOf(inputs, known);
  const columnCount = Math.max(0, ...columnOf.values()) + (inputs.length > 0 ? 1 : 0);
  const rowOf = new Map<string, number>();
  const stacks: JourneyInput[][] = [];
  for (let col = 0; col < columnCount; col++) {
    const members = inputs.filter((n) => columnOf.get(n.id) === col);
    const weight = (n: JourneyInput) => {
      const rows = n.prerequisites.filter((p) => known.has(p)).map((p) => rowOf.get(p) ?? 0);
      return rows.length ? rows.reduce((a, b) => a + b, 0) / rows.length : 0;
    };
    const ordered = members
      .map((n, i) => ({ n, i, w: weight(n) }))
      .sort((a, b) => a.w - b.w || a.i - b.i)
      .map((e) => e.n);
    ordered.forEach((n, row) => {
      rowOf.set(n.id, row);
    });
    stacks.push(ordered);
  }
  return stacks;
}

/** The group every certification of a column shares (its heading), or undefined for a mixed column. */
export function columnGroup(stack: JourneyInput[]): string | undefined {
  const shared = new Set(stack.map((n) => n.group));
  const [only] = shared;
  return shared.size === 1 && only ? only : undefined;
}

/**
 * Lays out certifications and their prerequisites left to right (see journeyColumns); columns are centred.
 */
export function layoutJourney(inputs: JourneyInput[]): JourneyLayout {
  const g = JOURNEY_GEOMETRY;
  const stacks = journeyColumns(inputs);
  const columnCount = stacks.length;
  const lines = new Map(inputs.map((n) => [n.id, wrapWords(n.label, g.charsPerLine)]));
  const boxHeight = 2 * g.padding + g.lineHeight * Math.max(1, ...[...lines.values()].map((l) => l.length));

  const groups = stacks.map(columnGroup);
  const heading = groups.some(Boolean) ? g.headingHeight : 0;
  const stackHeight = (count: number) => count * boxHeight + Math.max(0, count - 1) * g.rowGap;
  const tallest = Math.max(0, ...stacks.map((s) => stackHeight(s.length)));
  const columnX = (col: number) => g.margin + col * (g.nodeWidth + g.columnGap);
  const columns: JourneyColumn[] = groups.flatMap((label, col) =>
    label ? [{ x: columnX(col) + g.nodeWidth / 2, y: g.margin + heading / 2, label }] : [],
  );
  const nodes: JourneyNode[] = stacks.flatMap((stack, col) => {
    const top = g.margin + heading + (tallest - stackHeight(stack.length)) / 2;
    return stack.map((n, row) => ({
      id: n.id,
      label: n.label,
      lines: lines.get(n.id) ?? [n.label],
      column: col,
      x: columnX(col),
      y: top + row * (boxHeight + g.rowGap),
      width: g.nodeWidth,
      height: boxHeight,
    }));
  });

  const placed = new Map(nodes.map((n) => [n.id, n]));
  const edges: JourneyEdge[] = [];
  for (const to of nodes) {
    for (const fromId of inputs.find((n) => n.id === to.id)?.prerequisites ?? []) {
      const from = placed.get(fromId);
      if (!from) {
        continue;
      }
      const x1 = from.x + from.width;
      const y1 = from.y + from.height / 2;
      const x2 = to.x;
      const y2 = to.y + to.height / 2;
      const mid = (x1 + x2) / 2;
      edges.push({ from: from.id, to: to.id, d: `M${x1} ${y1}C${mid} ${y1} ${mid} ${y2} ${x2} ${y2}` });
    }
  }
  const width = columnCount === 0 ? 0 : 2 * g.margin + columnCount * g.nodeWidth + (columnCount - 1) * g.columnGap;
  return { width, height: tallest + heading + 2 * g.margin, nodes, edges, columns };
}
