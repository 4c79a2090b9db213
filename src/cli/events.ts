import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/events.js";

await runAsProcess(run);
