import "../harden-process.js";
import { runAsProcess } from "./command.js";
import { run } from "./commands/credentials.js";

await runAsProcess(run);
