import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/jobs.js";

await runAsProcess(run);
