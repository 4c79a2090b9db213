import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/rotate-keys.js";

await runAsProcess(run);
