import { userInfo } from "node:os";

/** The audit actor of an operator command: "cli:<login>" (the shell user who ran it), or "cli" when unknown. */
export function cliActor(): string {
  try {
    const { username } = userInfo();
    return username ? `cli:${username}` : "cli";
  } catch {
    return "cli";
  }
}
