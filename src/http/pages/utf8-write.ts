/**
 * Writes `text` as UTF-8 into `buffer` at `at` (the caller has made room: at most 3 bytes per UTF-16 unit) and gives
 * the number of bytes written. Buffer's own utf8Write (Node's, undocumented), which `write` calls after checking its
 * optional arguments: pages write hundreds of pieces each; `write` where a Node has no utf8Write.
 */
export const utf8Write: (buffer: Buffer, text: string, at: number) => number =
  typeof (Buffer.prototype as { utf8Write?: unknown }).utf8Write === "function"
    ? (buffer, text, at) => (buffer as Buffer & { utf8Write(text: string, at: number): number }).utf8Write(text, at)
    : (buffer, text, at) => buffer.write(text, at, "utf8");
