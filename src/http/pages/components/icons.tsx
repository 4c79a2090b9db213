/**
 * Status icons drawn as inline SVG with presentation attributes only (the CSP allows no inline styles). Each
 * shape differs (tick, cross, clock, pause, question mark), so the status never relies on colour alone; the
 * words next to them carry the meaning for screen readers, so the icons are hidden from them.
 */
export type IconName = "passed" | "failed" | "not-checked" | "clock" | "pause" | "revoked" | "question";

const PATHS: Record<IconName, string> = {
  passed: "M6 12.5l4 4 8-9",
  failed: "M7 7l10 10M17 7L7 17",
  revoked: "M7 7l10 10M17 7L7 17",
  "not-checked": "M7 12h10",
  clock: "M12 7v5l3.5 2",
  pause: "M10 8v8M14 8v8",
  question: "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7v.5M12 17v.5",
};

export function Icon(props: { name: IconName; class?: string }) {
  return (
    <svg
      class={`icon ${props.class ?? ""}`.trim()}
      viewBox="0 0 24 24"
      width="24"
      height="24"
      aria-hidden="true"
      focusable="false"
    >
      <circle cx="12" cy="12" r="10.5" fill="none" stroke="currentColor" stroke-width="2" />
      <path d={PATHS[props.name]} fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" />
    </svg>
  );
}
