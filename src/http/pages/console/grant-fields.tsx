import { ROLES } from "../../../domain/access.js";
import { type FormErrors, SelectField, TextField } from "./form.js";
import { ROLE_WORDS } from "./grant-words.js";

export type GrantForm = { role?: string; program?: string; graderRole?: string };

/** Role, program and grader role: the fields of a grant (new account, added grant). */
export function GrantFields(props: { programs: readonly string[]; form: GrantForm; errors: FormErrors }) {
  return (
    <>
      <SelectField
        name="role"
        label="Role"
        value={props.form.role ?? "grader"}
        errors={props.errors}
        options={ROLES.map((role) => ({ value: role, label: `${ROLE_WORDS[role].label}: ${ROLE_WORDS[role].does}` }))}
      />
      <SelectField
        name="program"
        label="Program"
        hint="Program managers and graders may be limited to one program; administrators and auditors cover all."
        value={props.form.program ?? ""}
        errors={props.errors}
        options={[{ value: "", label: "Every program" }, ...props.programs.map((p) => ({ value: p, label: p }))]}
      />
      <TextField
        name="graderRole"
        label="Grader role (graders only, optional)"
        hint="The role this grader's evidence counts as, e.g. ps-engineer. Never taken from an evidence form."
        value={props.form.graderRole}
        errors={props.errors}
        maxLength={64}
      />
    </>
  );
}
