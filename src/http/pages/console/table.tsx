import type { Child } from "hono/jsx";

/**
 * A console table: a focusable box that scrolls sideways on a phone (named for screen readers), a hidden caption,
 * and one header row; `children` are its body rows.
 */
export function ConsoleTable(props: { label: string; caption: string; columns: string[]; children?: Child }) {
  return (
    <section class="console-table-wrap" aria-label={props.label} tabindex={0}>
      <table class="console-table">
        <caption class="visually-hidden">{props.caption}</caption>
        <thead>
          <tr>
            {props.columns.map((column) => (
              <th scope="col">{column}</th>
            ))}
          </tr>
        </thead>
        <tbody>{props.children}</tbody>
      </table>
    </section>
  );
}
