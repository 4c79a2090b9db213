import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/users.js";

await runAsProcess(run);
