import type { Child } from "hono/jsx";

/** Field errors of a form, by field name (the service's `path`), shown next to each field. */
export type FormErrors = Readonly<Record<string, string>>;

/** The session's CSRF token, carried by every console form that changes something. */
export function CsrfField(props: { token: string }) {
  return <input type="hidden" name="_csrf" value={props.token} />;
}

/** A form that posts to the console with the session's CSRF token. */
export function PostForm(props: { action: string; csrf: string; class?: string; label?: string; children?: Child }) {
  return (
    <form method="post" action={props.action} class={props.class} aria-label={props.label}>
      <CsrfField token={props.csrf} />
      {props.children}
    </form>
  );
}

/** The ids a field's hint and error carry, for `aria-describedby`. */
export function describedBy(id: string, hint: boolean, error: string | undefined): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean);
  return ids.length ? ids.join(" ") : undefined;
}

/**
 * A labelled field: label, optional hint, the control (given by the caller with `id`, `aria-describedby` from
 * `describedBy` and `aria-invalid`), and its error right under it.
 */
export function Field(props: { id: string; label: string; hint?: string; error?: string; children?: Child }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.hint ? (
        <p class="field__hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      ) : null}
      {props.children}
      {props.error ? (
        <p class="field__error" id={`${props.id}-error`}>
          {props.error}
        </p>
      ) : null}
    </div>
  );
}

/** A text-like input inside a Field. */
export function TextField(props: {
  name: string;
  label: string;
  type?: "text" | "email" | "password" | "date";
  value?: string;
  hint?: string;
  errors: FormErrors;
  required?: boolean;
  autocomplete?: string;
  maxLength?: number;
}) {
  const id = `field-${props.name}`;
  const error = props.errors[props.name];
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error}>
      <input
        id={id}
        name={props.name}
        type={props.type ?? "text"}
        value={props.value ?? ""}
        required={props.required}
        autocomplete={props.autocomplete}
        maxlength={props.maxLength}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, Boolean(props.hint), error)}
      />
    </Field>
  );
}

/** A select inside a Field. */
export function SelectField(props: {
  name: string;
  label: string;
  options: readonly { value: string; label: string }[];
  value?: string;
  hint?: string;
  errors: FormErrors;
}) {
  const id = `field-${props.name}`;
  const error = props.errors[props.name];
  return (
    <Field id={id} label={props.label} hint={props.hint} error={error}>
      <select
        id={id}
        name={props.name}
        aria-invalid={error ? "true" : undefined}
        aria-describedby={describedBy(id, Boolean(props.hint), error)}
      >
        {props.options.map((option) => (
          <option value={option.value} selected={option.value === (props.value ?? "")}>
            {option.label}
          </option>
        ))}
      </select>
    </Field>
  );
}

/** The errors of a form not tied to one field (or a summary), announced when the page comes back. */
export function FormAlert(props: { message?: string }) {
  if (!props.message) {
    return null;
  }
  return (
    <div class="console-alert" role="alert">
      <p>{props.message}</p>
    </div>
  );
}

/** A success message after an action (the page the action redirected to). */
export function Flash(props: { message?: string }) {
  if (!props.message) {
    return null;
  }
  return (
    <div class="console-flash" role="status">
      <p>{props.message}</p>
    </div>
  );
}
