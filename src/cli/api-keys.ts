import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/api-keys.js";

await runAsProcess(run);
