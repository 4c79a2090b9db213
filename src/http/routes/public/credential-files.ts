import { createRoute, type OpenAPIHono, z } from "@hono/zod-openapi";
import { CredentialIdParamSchema } from "../../../schemas/credential-id.js";
import {
  getBakedBadge,
  getCertificatePdf,
  getCredentialQr,
  getShareCard,
  type RenderedFile,
} from "../../../services/badge-images.js";
import type { ServiceContext } from "../../../services/deps.js";
import type { AppEnv } from "../../env.js";
import { problems, STORAGE_PROBLEMS } from "../../openapi.js";
import { sendFile } from "../../send-file.js";

const IdParam = CredentialIdParamSchema;
const FormQuery = z.object({
  proof: z
    .enum(["json", "jwt"], { error: 'must be "json" or "jwt"' })
    .default("json")
    .openapi({ description: "Bake the signed JSON (default) or the VC-JWT" }),
});

type FileSpec = {
  path: string;
  contentType: string;
  summary: string;
  description: string;
  baked: boolean;
  disposition: "inline" | "attachment";
  render: (ctx: ServiceContext, id: string, proof: "json" | "jwt") => Promise<RenderedFile>;
};

/** Stable download URLs of a credential's files (baked images, share card, certificate, QR codes). */
const FILES: FileSpec[] = [
  {
    path: "/credentials/{id}/badge.png",
    contentType: "image/png",
    summary: "Baked PNG badge",
    description: "The badge with the credential in one iTXt `openbadgecredential` chunk (OB 3.0 baking).",
    baked: true,
    disposition: "attachment",
    render: (ctx, id, proof) => getBakedBadge(ctx, id, { container: "png", form: proof }),
  },
  {
    path: "/credentials/{id}/badge.svg",
    contentType: "image/svg+xml",
    summary: "Baked SVG badge",
    description: "The badge with the credential in `<openbadges:credential>` (OB 3.0 baking).",
    baked: true,
    disposition: "attachment",
    render: (ctx, id, proof) => getBakedBadge(ctx, id, { container: "svg", form: proof }),
  },
  {
    path: "/credentials/{id}/share-card.png",
    contentType: "image/png",
    summary: "Share card (1200×627 PNG)",
    description: "The Open Graph image for posts linking to the credential.",
    baked: false,
    disposition: "inline",
    render: (ctx, id) => getShareCard(ctx, id),
  },
  {
    path: "/credentials/{id}/certificate.pdf",
    contentType: "application/pdf",
    summary: "Printable certificate (PDF)",
    description: "A one-page certificate with a QR code to the credential's verification URL.",
    baked: false,
    disposition: "attachment",
    render: (ctx, id) => getCertificatePdf(ctx, id),
  },
  {
    path: "/credentials/{id}/qr.svg",
    contentType: "image/svg+xml",
    summary: "QR code of the verification URL (SVG)",
    description: "For pages.",
    baked: false,
    disposition: "inline",
    render: (ctx, id) => getCredentialQr(ctx, id, "svg"),
  },
  {
    path: "/credentials/{id}/qr.png",
    contentType: "image/png",
    summary: "QR code of the verification URL (PNG)",
    description: "For print.",
    baked: false,
    disposition: "inline",
    render: (ctx, id) => getCredentialQr(ctx, id, "png"),
  },
];

export function registerCredentialFiles(app: OpenAPIHono<AppEnv>): void {
  for (const spec of FILES) {
    const route = createRoute({
      method: "get",
      path: spec.path,
      tags: ["Public"],
      summary: spec.summary,
      description: spec.description,
      request: { params: IdParam, query: spec.baked ? FormQuery : z.object({}) },
      responses: {
        200: { description: spec.summary, content: { [spec.contentType]: { schema: z.string() } } },
        304: { description: "Not modified (ETag)" },
        ...problems("VALIDATION_FAILED", "NOT_FOUND", ...STORAGE_PROBLEMS),
      },
    });
    app.openapi(route, async (c) => {
      const { id } = c.req.valid("param");
      const query = c.req.valid("query") as { proof?: "json" | "jwt" };
      const proof = query.proof ?? "json";
      return sendFile(c, await spec.render(c.get("ctx"), id, proof), spec.disposition);
    });
  }
}
