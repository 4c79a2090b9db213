import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/**
 * For an A/B script that imports another tree's modules in its own process (`base`: an export of another commit with
 * a node_modules link): tsx compiles a file with the tsconfig that includes it, so the script first runs itself again
 * with a tsconfig that includes both trees' src/ and bench/ (TSX_TSCONFIG_PATH), and exits with that run. Returns
 * only inside that second run.
 */
export function rerunWithBothTrees(script: string, base: string, name: string): void {
  if (process.env.TSX_TSCONFIG_PATH !== undefined) {
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), `${name}-`));
  const config = join(dir, "tsconfig.json");
  const here = resolve(import.meta.dirname, "..");
  writeFileSync(
    config,
    JSON.stringify({
      extends: join(here, "tsconfig.json"),
      include: [join(here, "src"), join(here, "bench"), join(base, "src"), join(base, "bench")],
    }),
  );
  try {
    execFileSync(process.execPath, [...process.execArgv, script, ...process.argv.slice(2)], {
      stdio: "inherit",
      env: { ...process.env, TSX_TSCONFIG_PATH: config },
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
