import { rmSync } from "node:fs";
import { type AddressInfo, connect, createServer } from "node:net";
import { serve } from "@hono/node-server";
import { afterEach, describe, expect, it } from "vitest";
import { runCli, throwawayInstallation } from "../helpers/cli.js";
import { onPostgres } from "../helpers/database.js";
import { adminPost, issueRequest, readProblem } from "../helpers/http.js";
import { makeTestApp, type TestApp } from "../helpers/make-app.js";
import { refuseWrites } from "../helpers/store.js";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe("a full disk", () => {
  it("answers 503 STORAGE_FULL, saying the storage is full, and works again once there is room", async () => {
    t = await makeTestApp();
    const makeRoom = await refuseWrites(t.store, "full");

    const res = await adminPost(t, "/admin/credentials", issueRequest());
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("60");
    const problem = await readProblem(res);
    expect(problem).toMatchObject({ code: "STORAGE_FULL", title: "Storage is full", status: 503 });
    expect(problem.detail).toMatch(/storage is full/);
    expect(problem.detail).not.toMatch(/unexpected/i);
    const logged = t.logLines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged).toContainEqual(
      expect.objectContaining({ message: "storage failure", code: onPostgres ? "53100" : "SQLITE_FULL" }),
    );

    // A batch stops at the first record that cannot be stored: one 503, not a page of rejections.
    const records = Array.from({ length: 200 }, (_, i) => ({
      kind: "completion",
      externalId: `c-${i}`,
      person: { email: `p${i}@example.org` },
      occurredAt: "2026-03-01T09:00:00Z",
      completion: "learning-path",
      item: `learning-path-${"x".repeat(150)}-${i}`,
      uncatalogued: true,
    }));
    const batch = await adminPost(t, "/admin/evidence/batch", { records });
    expect(batch.status).toBe(503);
    expect((await readProblem(batch)).code).toBe("STORAGE_FULL");

    await makeRoom();
    expect((await adminPost(t, "/admin/credentials", issueRequest())).status).toBe(201);
  });
});

// The server process runs on its SQLite file whichever project: nothing to run again on PostgreSQL.
describe.skipIf(onPostgres)("a port already in use", () => {
  it("stops the start with one line naming the port, no stack trace", async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const { port } = blocker.address() as AddressInfo;
    const { dir, env } = throwawayInstallation("laurel-port-");
    try {
      const result = await runCli({ ...env, PORT: String(port), HOST: "127.0.0.1" }, "main", []);
      expect(result.code).toBe(1);
      expect(result.stderr.trim().split("\n")).toEqual([
        `laurel: port ${port} on 127.0.0.1 is already in use: stop the program using it, or set PORT to a free port`,
      ]);
    } finally {
      blocker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** Sends raw HTTP/1.1 on a new connection; resolves with what came back once the server closed it. */
function rawExchange(port: number, request: string, body: Buffer): Promise<{ response: string; error?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    let response = "";
    let error: string | undefined;
    socket.on("data", (chunk: Buffer) => {
      response += chunk.toString();
    });
    socket.on("error", (e: NodeJS.ErrnoException) => {
      error = e.code;
    });
    socket.on("close", () => resolve({ response, ...(error ? { error } : {}) }));
    socket.write(request);
    socket.write(body);
  });
}

describe("a request body over the limit, over real HTTP", () => {
  it("gets its 413 with Connection: close, and the connection ends cleanly", async () => {
    t = await makeTestApp({ env: { LAUREL_MAX_BODY_BYTES: "1024" } });
    const server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise<void>((resolve) => server.once("listening", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const body = Buffer.alloc(4096, "a");
      const head = (framing: string) =>
        `POST /admin/evidence HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t?.adminToken}\r\n` +
        `Content-Type: application/json\r\n${framing}\r\n`;
      // Declared length over the cap (refused unread), then a chunked body that passes it.
      const declared = await rawExchange(port, head(`Content-Length: ${body.length}\r\n`), body);
      const chunked = await rawExchange(
        port,
        head("Transfer-Encoding: chunked\r\n"),
        Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n0\r\n\r\n")]),
      );
      for (const { response, error } of [declared, chunked]) {
        expect(error).toBeUndefined();
        const [headers, payload] = response.split("\r\n\r\n");
        expect(headers?.split("\r\n")[0]).toBe("HTTP/1.1 413 Payload Too Large");
        expect(headers?.toLowerCase()).toContain("\r\nconnection: close");
        expect(JSON.parse(payload ?? "")).toMatchObject({ code: "PAYLOAD_TOO_LARGE", status: 413 });
      }
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
