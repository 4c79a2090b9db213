import { parseArgs } from "node:util";
import { ROLES, type Role, type RoleGrant } from "../../domain/access.js";
import { AppError } from "../../errors.js";
import { createUser, disableUser, getUserByEmail, listUsers, resetPassword } from "../../services/users.js";
import { cliActor } from "../actor.js";
import { type Command, errorMessage } from "../command.js";

const USAGE = `Usage:
  npm run users -- create --email EMAIL [--name NAME] --role ROLE [--program PROGRAM] [--grader-role ROLE_CODE] [--password-stdin]
      (roles: ${ROLES.join(", ")}; --program limits a program-manager or grader to one catalog program;
       without --password-stdin a one-time password is printed, to be changed at the first sign-in)
  npm run users -- list
  npm run users -- disable EMAIL
  npm run users -- reset-password EMAIL`;

/** Reads the whole of standard input (a password piped in), without its final newline. */
async function readStdin(stdin: AsyncIterable<Buffer | string>): Promise<string> {
  let text = "";
  for await (const chunk of stdin) {
    text += typeof chunk === "string" ? chunk : chunk.toString("utf8");
  }
  return text.replace(/\r?\n$/, "");
}

/** The message of a failed service call: its field errors, if any, else its detail. */
function describe(error: unknown): string {
  if (error instanceof AppError && Array.isArray(error.extra?.errors)) {
    return (error.extra.errors as { path: string; message: string }[]).map((e) => `${e.path}: ${e.message}`).join("; ");
  }
  return errorMessage(error);
}

/**
 * `npm run users`: console accounts (create, list, disable, reset a password), audited as actor "cli:<login>".
 * A generated password is printed once; a chosen one is read from standard input (never an argument: argv is visible
 * to every user of the machine).
 */
export function usersCommand(stdin: AsyncIterable<Buffer | string> = process.stdin): Command {
  return async (argv, io, services) => {
    try {
      const { positionals, values } = parseArgs({
        args: argv,
        allowPositionals: true,
        options: {
          email: { type: "string" },
          name: { type: "string" },
          role: { type: "string" },
          program: { type: "string" },
          "grader-role": { type: "string" },
          "password-stdin": { type: "boolean" },
        },
      });
      const [command, arg] = positionals;
      if (command === "create") {
        const role = values.role as Role | undefined;
        if (!values.email || !role || !(ROLES as readonly string[]).includes(role)) {
          throw new Error(values.role && values.email ? `unknown role ${values.role}\n${USAGE}` : USAGE);
        }
        const grant: RoleGrant = {
          role,
          program: values.program?.trim() || null,
          graderRole: values["grader-role"]?.trim() || null,
        };
        const password = values["password-stdin"] ? { given: await readStdin(stdin) } : { generate: true as const };
        const { ctx, close } = await services.open();
        try {
          const email = values.email.trim();
          const created = await createUser(ctx, {
            email,
            name: values.name?.trim() || (email.split("@")[0] ?? email),
            grants: [grant],
            password,
            actor: cliActor(),
          });
          io.out(`Created console account ${created.user.id} (${created.user.email}, ${describeGrant(grant)}).\n`);
          if (created.password) {
            io.out(
              `Its one-time password is shown only now (to be changed at the first sign-in):\n${created.password}\n`,
            );
          }
        } finally {
          await close();
        }
        return 0;
      }
      const { ctx, close } = await services.open();
      try {
        if (command === "list") {
          for (const u of await listUsers(ctx)) {
            const state = u.disabledAt ? `disabled ${u.disabledAt}` : "active";
            io.out(`${u.id}  ${u.email}  ${u.name}  [${u.grants.map(describeGrant).join("; ")}]  ${state}\n`);
          }
        } else if (command === "disable" && arg) {
          const user = await getUserByEmail(ctx, arg);
          await disableUser(ctx, { id: user.id, actor: cliActor() });
          io.out(`Disabled ${user.email}; its sessions have ended\n`);
        } else if (command === "reset-password" && arg) {
          const user = await getUserByEmail(ctx, arg);
          const password = await resetPassword(ctx, { userId: user.id, actor: cliActor() });
          io.out(`New one-time password for ${user.email}, shown only now (to be changed at sign-in):\n${password}\n`);
        } else {
          throw new Error(USAGE);
        }
      } finally {
        await close();
      }
      return 0;
    } catch (error) {
      io.err(`laurel users: ${describe(error)}\n`);
      return 1;
    }
  };
}

function describeGrant(grant: RoleGrant): string {
  return [
    grant.role,
    grant.program ? `for ${grant.program}` : "for every program",
    ...(grant.graderRole ? [`grades as ${grant.graderRole}`] : []),
  ].join(" ");
}

export const run: Command = usersCommand();
