import type { JourneyLayout } from "../../../domain/journey.js";
import type { ProgramJourney } from "../../../domain/program-journeys.js";

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const LINE_HEIGHT = 18;

/** One drawing of the journey: boxes, arrows and column headings, as SVG with presentation attributes only. */
function JourneySvg(props: { layout: JourneyLayout; title: string; idPrefix: string; variant: "wide" | "stacked" }) {
  const { layout } = props;
  const names = new Map(layout.nodes.map((n) => [n.id, n.label]));
  const opens = layout.nodes
    .map((n) => {
      const next = layout.edges.filter((e) => e.from === n.id).map((e) => names.get(e.to));
      return next.length ? `${n.label} leads to ${next.join(", ")}.` : "";
    })
    .filter(Boolean)
    .join(" ");
  const titleId = `${props.idPrefix}-title`;
  const descId = `${props.idPrefix}-desc`;
  const markerId = `${props.idPrefix}-arrow`;
  return (
    <svg
      class={`journey__svg journey__svg--${props.variant}`}
      viewBox={`0 0 ${layout.width} ${layout.height}`}
      width={layout.width}
      height={layout.height}
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      data-journey={props.variant}
    >
      <title id={titleId}>{props.title}</title>
      <desc id={descId}>{opens}</desc>
      <defs>
        <marker
          id={markerId}
          viewBox="0 0 10 10"
          refX="9"
          refY="5"
          markerWidth="7"
          markerHeight="7"
          orient="auto-start-reverse"
        >
          <path d="M0 0L10 5L0 10z" fill="#4a5a52" />
        </marker>
      </defs>
      {layout.columns.map((c) => (
        <text
          x={c.x}
          y={c.y}
          text-anchor="middle"
          dominant-baseline="central"
          font-size="12"
          font-weight="700"
          letter-spacing="1.5"
          font-family={FONT}
          fill="#4d5c54"
        >
          {c.label.toUpperCase()}
        </text>
      ))}
      {layout.edges.map((e) => (
        <path d={e.d} fill="none" stroke="#4a5a52" stroke-width="1.6" marker-end={`url(#${markerId})`} />
      ))}
      {layout.nodes.map((n) => (
        <g>
          <rect
            x={n.x}
            y={n.y}
            width={n.width}
            height={n.height}
            rx="8"
            fill={n.column === 0 ? "#e8f1ec" : "#ffffff"}
            stroke="#1f3b2d"
            stroke-width="1.5"
          />
          <text
            x={n.x + n.width / 2}
            y={n.y + n.height / 2 - ((n.lines.length - 1) * LINE_HEIGHT) / 2}
            text-anchor="middle"
            dominant-baseline="central"
            font-size="14"
            font-family={FONT}
            fill="#14231b"
          >
            {n.lines.map((line, i) => (
              <tspan x={n.x + n.width / 2} dy={i === 0 ? 0 : LINE_HEIGHT}>
                {line}
              </tspan>
            ))}
          </text>
        </g>
      ))}
    </svg>
  );
}

/**
 * The journey between certifications as inline SVG built with JSX (so every label is escaped like any text),
 * presentation attributes only (the CSP allows no inline styles). It is drawn twice, and the stylesheet shows one:
 * left to right where there is room, stacked top to bottom on a phone, so it always fits its box at a legible size.
 * Each drawing is one image for assistive technology, described in words; the certification list carries the links.
 */
export function JourneyDiagram(props: { journey: ProgramJourney; title: string; idPrefix: string }) {
  return (
    <div class="journey">
      <JourneySvg
        layout={props.journey.layout}
        title={props.title}
        idPrefix={`${props.idPrefix}-wide`}
        variant="wide"
      />
      <JourneySvg
        layout={props.journey.stacked}
        title={props.title}
        idPrefix={`${props.idPrefix}-stacked`}
        variant="stacked"
      />
    </div>
  );
}
