import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/db.js";

await runAsProcess(run);
