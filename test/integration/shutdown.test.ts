import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ServerProcess, startServerOnFreePort } from "../helpers/server-process.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "laurel-shutdown-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A raw HTTP/1.1 connection, so that a request can be left half sent (in flight) across the signal. */
type Raw = { socket: Socket; send: (text: string) => void; response: () => Promise<RawResponse> };
type RawResponse = { status: number; headers: Record<string, string>; body: string };

function open(port: number): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    let buffer = "";
    let waiting: (() => void) | undefined;
    let ended = false;
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      buffer += chunk;
      waiting?.();
    });
    socket.on("close", () => {
      ended = true;
      waiting?.();
    });
    /** The next complete response (headers and Content-Length body) on this connection. */
    const response = () =>
      new Promise<RawResponse>((done, fail) => {
        const parse = () => {
          const end = buffer.indexOf("\r\n\r\n");
          if (end >= 0) {
            const [statusLine = "", ...lines] = buffer.slice(0, end).split("\r\n");
            const headers = Object.fromEntries(
              lines.map((l) => [l.slice(0, l.indexOf(":")).toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
            );
            const length = Number(headers["content-length"] ?? 0);
            if (buffer.length >= end + 4 + length) {
              const body = buffer.slice(end + 4, end + 4 + length);
              buffer = buffer.slice(end + 4 + length);
              waiting = undefined;
              done({ status: Number(statusLine.split(" ")[1]), headers, body });
              return;
            }
          }
          if (ended) {
            fail(new Error(`connection closed before a whole response: ${JSON.stringify(buffer)}`));
          }
        };
        waiting = parse;
        parse();
      });
    socket.once("connect", () => resolve({ socket, send: (text) => socket.write(text), response }));
    socket.once("error", reject);
  });
}

function refused(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("accepted");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? "error"));
  });
}

function waitFor(server: ServerProcess, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (server.output().includes(text)) {
        server.child.stdout?.off("data", check);
        resolve();
      }
    };
    server.child.stdout?.on("data", check);
    server.child.once("exit", () => reject(new Error(`exited before printing ${text}:\n${server.output()}`)));
    check();
  });
}

describe("graceful shutdown", () => {
  it("on SIGTERM: /readyz answers 503, no new connection is accepted, the request in flight completes", async () => {
    const { server, port } = await startServerOnFreePort(
      {
        PATH: process.env.PATH,
        LAUREL_PUBLIC_URL: "https://badges.test",
        LAUREL_DB_PATH: join(dir, "laurel.db"),
        LAUREL_KEYS_DIR: join(dir, "keys"),
        LAUREL_LOG_LEVEL: "info",
      },
      (stdout) => stdout.includes("Laurel is running"),
    );
    try {
      // Ready before.
      const probe = await open(port);
      probe.send("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      expect((await probe.response()).status).toBe(200);

      // A verification whose body is half sent: in flight when the signal comes.
      const body = JSON.stringify({ credential: { "@context": ["https://www.w3.org/ns/credentials/v2"] } });
      const slow = await open(port);
      slow.send(
        "POST /api/verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
      );
      // A readiness probe whose request has begun (its connection is not idle, so it is not closed at the signal).
      const late = await open(port);
      late.send("GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\n");
      // One full round trip on another connection: the server has read the bytes sent before it.
      probe.send("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      expect((await probe.response()).status).toBe(200);

      server.child.kill("SIGTERM");
      await waitFor(server, '"message":"shutting down"');
      const shutting = JSON.parse(
        server
          .output()
          .split("\n")
          .find((l) => l.includes('"message":"shutting down"')) ?? "{}",
      );
      expect(shutting).toMatchObject({ signal: "SIGTERM", inFlight: 1 });

      late.send("\r\n");
      const notReady = await late.response();
      expect(notReady.status).toBe(503);
      expect(notReady.headers["content-type"]).toContain("application/problem+json");
      expect(notReady.headers.connection).toBe("close");
      expect(JSON.parse(notReady.body)).toMatchObject({
        code: "NOT_READY",
        detail: expect.stringContaining("shutting down"),
      });

      expect(await refused(port)).toBe("ECONNREFUSED");

      slow.send(body.slice(10));
      const answered = await slow.response();
      expect(answered.status).toBe(200);
      expect(JSON.parse(answered.body)).toHaveProperty("verdict");

      // it exits by itself once the request is answered (a second signal would mean "stop now", exit code 1)
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('"message":"stopped"');
    } finally {
      await server.stop();
    }
    // the server's start alone may take up to CHILD_START_MS on a loaded machine (a guard, not an expectation)
  }, 180_000);
});
