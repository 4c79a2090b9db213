import type { ConsoleSession } from "../../services/sessions.js";
import type { AppEnv } from "../env.js";

/** The console's requests: the app's variables, plus the signed-in session (null when there is none). */
export type ConsoleEnv = { Variables: AppEnv["Variables"] & { session: ConsoleSession | null } };
