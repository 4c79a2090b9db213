/** Why an image could not be baked or read (all are expected failures caused by the input). */
export type BakingErrorCode =
  | "NOT_AN_IMAGE"
  | "TRUNCATED"
  | "BAD_CRC"
  | "TOO_LARGE"
  | "DUPLICATE_CREDENTIAL"
  | "NO_CREDENTIAL"
  | "MALFORMED"
  | "UNSAFE_XML";

/** The one error the PNG and SVG bakers and readers throw for bad input; anything else is a bug. */
export class BakingError extends Error {
  constructor(
    readonly code: BakingErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = "BakingError";
  }
}
