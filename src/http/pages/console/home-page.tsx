import type { RoleGrant } from "../../../domain/access.js";
import { grantWords, ROLE_WORDS } from "./grant-words.js";
import { type ConsoleChrome, ConsoleLayout } from "./layout.js";

const SECTION_TEXT = [
  {
    section: "credentials",
    href: "/console/credentials",
    title: "Credentials",
    text: "Find, issue, revoke, suspend, reinstate and reissue credentials.",
  },
  {
    section: "evidence",
    href: "/console/evidence/new",
    title: "Record evidence",
    text: "Assessment results, graded labs, completions and rating forms, criterion by criterion.",
  },
  {
    section: "approvals",
    href: "/console/approvals",
    title: "Approvals",
    text: "Awards waiting for a program manager's approval: approve, or reject with a reason.",
  },
  { section: "api-keys", href: "/console/api-keys", title: "API keys", text: "Keys for programs that call the API." },
  { section: "users", href: "/console/users", title: "Users", text: "Console accounts and their roles per program." },
  { section: "audit", href: "/console/audit", title: "Audit log", text: "Every change, who made it and when." },
] as const;

/** The console's landing page: who is signed in, what their roles allow, and the sections they may open. */
export function ConsoleHomePage(props: { chrome: ConsoleChrome; grants: readonly RoleGrant[]; via: string }) {
  const { chrome } = props;
  return (
    <ConsoleLayout chrome={chrome} title="Overview" current="home">
      <h1>Welcome, {chrome.user.name}</h1>
      <section class="panel" aria-labelledby="roles-head">
        <h2 id="roles-head">Your roles</h2>
        {props.grants.length === 0 ? (
          <p>Your account has no role yet: ask an administrator to give you one.</p>
        ) : (
          <ul>
            {props.grants.map((grant) => (
              <li>
                <strong>{grantWords(grant)}</strong> (may do {ROLE_WORDS[grant.role].does})
              </li>
            ))}
          </ul>
        )}
        <p class="muted">Signed in {props.via === "sso" ? "through single sign-on" : "with your password"}.</p>
      </section>
      <ul class="tiles console-tiles">
        {SECTION_TEXT.filter((s) => chrome.sections.includes(s.section)).map((s) => (
          <li class="tile">
            <h2 class="tile__title">
              <a href={s.href}>{s.title}</a>
            </h2>
            <p>{s.text}</p>
          </li>
        ))}
      </ul>
    </ConsoleLayout>
  );
}
