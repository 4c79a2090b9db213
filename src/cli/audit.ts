import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/audit.js";

await runAsProcess(run);
