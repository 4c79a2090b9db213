import clrV2p0 from "./contexts/clr-v2p0.json" with { type: "json" };
import clrV2p0v201 from "./contexts/clr-v2p0-2.0.1.json" with { type: "json" };
import examplesV2 from "./contexts/credentials-examples-v2.json" with { type: "json" };

/** A JSON-LD context no npm package ships, kept as a file in `contexts/` (see its README for where each came from). */
export type VendoredContext = { url: string; file: string; document: unknown };

/** The vendored contexts, served by the offline loader beside the packaged ones (never fetched). */
export const VENDORED_CONTEXTS: readonly VendoredContext[] = [
  { url: "https://www.w3.org/ns/credentials/examples/v2", file: "credentials-examples-v2.json", document: examplesV2 },
  {
    url: "https://purl.imsglobal.org/spec/clr/v2p0/context-2.0.1.json",
    file: "clr-v2p0-2.0.1.json",
    document: clrV2p0v201,
  },
  { url: "https://purl.imsglobal.org/spec/clr/v2p0/context.json", file: "clr-v2p0.json", document: clrV2p0 },
];
