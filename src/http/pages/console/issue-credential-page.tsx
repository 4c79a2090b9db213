import { FormAlert, type FormErrors, PostForm, SelectField, TextField } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";

export type IssueForm = { achievementId?: string; email?: string; name?: string };

export type IssueCredentialView = {
  chrome: ConsoleChrome;
  /** The certifications this account may issue (programs it holds credentials:issue for). */
  certifications: readonly { id: string; name: string; program: string }[];
  form: IssueForm;
  errors: FormErrors;
};

/** Issue one credential by hand: the same service as POST /admin/credentials. */
export function IssueCredentialPage(props: IssueCredentialView) {
  const { chrome, errors, form } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Issue a credential" current="credentials">
      <h1>Issue a credential</h1>
      <section class="panel" aria-labelledby="issue-head">
        <h2 id="issue-head">Recipient and certification</h2>
        <p class="muted">The credential is signed and e-mailed to the recipient at once, as if the API issued it.</p>
        <FormAlert message={Object.keys(errors).length ? "The credential was not issued: see below." : undefined} />
        <PostForm action="/console/credentials/new" csrf={chrome.csrf} class="stack-form">
          <SelectField
            name="achievementId"
            label="Certification"
            value={form.achievementId}
            errors={errors}
            options={[
              { value: "", label: "Choose a certification" },
              ...props.certifications.map((c) => ({ value: c.id, label: `${c.name} (${c.program})` })),
            ]}
          />
          <TextField
            name="email"
            label="Recipient email"
            type="email"
            value={form.email}
            errors={errors}
            required
            maxLength={320}
            autocomplete="off"
          />
          <TextField
            name="name"
            label="Recipient name"
            hint="As it will appear on the credential."
            value={form.name}
            errors={errors}
            required
            maxLength={200}
            autocomplete="off"
          />
          <button type="submit" class="button">
            Issue credential
          </button>
        </PostForm>
      </section>
    </ConsoleLayout>
  );
}
