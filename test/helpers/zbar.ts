import { spawnSync } from "node:child_process";

let available: boolean | undefined;

/**
 * zbarimg (Debian's zbar-tools, not an npm dependency) decodes the QR codes the tests draw. Where it is missing
 * the decoding steps are skipped with a loud message; with `CI` set a missing zbarimg fails the run instead
 * (.ci/run installs it), as the browser tests do for a missing Chromium.
 */
export function zbarAvailable(): boolean {
  if (available === undefined) {
    available = spawnSync("zbarimg", ["--version"]).status === 0;
    if (!available) {
      if (process.env.CI) {
        throw new Error("CI is set but zbarimg is missing: .ci/run installs the Debian zbar-tools package");
      }
      console.warn(
        "\n*** SKIPPING QR DECODING: zbarimg not found. Install Debian's zbar-tools package to run it. ***\n",
      );
    }
  }
  return available;
}

/** The text zbarimg reads from the QR code in an image file. */
export function decodeQr(file: string): { status: number | null; text: string; stderr: string } {
  const result = spawnSync("zbarimg", ["-q", "--raw", file], { encoding: "utf8" });
  return { status: result.status, text: result.stdout.trim(), stderr: result.stderr };
}
