import { describedBy, Field, FormAlert, type FormErrors, PostForm } from "./form.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";

export type ApprovalRow = {
  id: string;
  personName: string;
  personEmail: string;
  certification: { id: string; name: string; program: string };
  /** "2026-03-02 09:30 UTC". */
  queuedAt: string;
  /** Whether this account may approve or reject it (approvals:decide for its program). */
  canDecide: boolean;
};

export type ApprovalsView = {
  chrome: ConsoleChrome;
  rows: ApprovalRow[];
  flash?: { message: string; credentialId?: string };
  /** A refused decision: the approval, the reason typed, and the error next to it (or above the queue). */
  refused?: { id: string; reason: string; errors: FormErrors };
  /** Whether the account may open credentials in the console (the approved award's link). */
  canReadCredentials: boolean;
};

function RejectForm(props: { row: ApprovalRow; csrf: string; refused?: ApprovalsView["refused"] }) {
  const id = `field-${props.row.id}-reason`;
  const mine = props.refused?.id === props.row.id ? props.refused : undefined;
  const error = mine?.errors.reason;
  return (
    <PostForm
      action={`/console/approvals/${props.row.id}/reject`}
      csrf={props.csrf}
      class="stack-form"
      label={`Reject ${props.row.certification.name} for ${props.row.personName}`}
    >
      <Field id={id} label="Reason for rejecting" hint="Kept in the audit log." error={error}>
        <textarea
          id={id}
          name="reason"
          rows={2}
          maxlength={2000}
          required
          aria-invalid={error ? "true" : undefined}
          aria-describedby={describedBy(id, true, error)}
        >
          {mine?.reason ?? ""}
        </textarea>
      </Field>
      <button type="submit" class="button button--secondary">
        Reject
      </button>
    </PostForm>
  );
}

/**
 * The approvals queue: awards whose definitions require approval, waiting for a program manager (or an admin) of
 * their program; approve issues the credential through the same service as the API, reject records the reason.
 * Readers without approvals:decide for a program (an auditor) see its rows without the forms.
 */
export function ApprovalsPage(props: ApprovalsView) {
  const { chrome, rows, refused } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Approvals" current="approvals">
      <h1>Approvals</h1>
      {props.flash ? (
        <div class="console-flash" role="status">
          <p>
            {props.flash.message}
            {props.flash.credentialId ? (
              <>
                {" "}
                <a
                  href={
                    props.canReadCredentials
                      ? `/console/credentials/${props.flash.credentialId}`
                      : `/credentials/${props.flash.credentialId}`
                  }
                >
                  See the credential
                </a>
                .
              </>
            ) : null}
          </p>
        </div>
      ) : null}
      <FormAlert message={refused?.errors._form} />
      <p class="lead">
        {rows.length === 0
          ? "No award is waiting for approval in your programs."
          : `${rows.length} award${rows.length === 1 ? " is" : "s are"} waiting for approval, oldest first.`}
      </p>
      <ul class="console-queue">
        {rows.map((row) => (
          <li class="panel" data-approval={row.id}>
            <h2>
              {row.certification.name} for {row.personName}
            </h2>
            <p>
              {row.personEmail} · {row.certification.program} · met the criteria on {row.queuedAt}
            </p>
            {row.canDecide ? (
              <div class="console-decide">
                <PostForm
                  action={`/console/approvals/${row.id}/approve`}
                  csrf={chrome.csrf}
                  label={`Approve ${row.certification.name} for ${row.personName}`}
                >
                  <button type="submit" class="button">
                    Approve and issue
                  </button>
                </PostForm>
                <RejectForm row={row} csrf={chrome.csrf} refused={refused} />
              </div>
            ) : (
              <p class="muted">Only a program manager of {row.certification.program} may decide it.</p>
            )}
          </li>
        ))}
      </ul>
    </ConsoleLayout>
  );
}
