import type { AddressInfo } from "node:net";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export type Received = { raw: Buffer; mail: ParsedMail; envelopeTo: string[] };

/**
 * A real SMTP server on loopback (smtp-server, from the nodemailer project), plain text, no auth. Each message's
 * answer comes from `answers` in turn (a number: that reply code, refused; 250 or past the end: accepted). Accepted
 * messages are parsed with mailparser.
 */
export async function startSmtpServer(answers: number[] = []) {
  const received: Received[] = [];
  const seen: number[] = [];
  let next = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const code = answers[next++] ?? 250;
        seen.push(code);
        if (code !== 250) {
          const error = Object.assign(new Error(code >= 500 ? "mailbox unavailable" : "try again later"), {
            responseCode: code,
          });
          callback(error);
          return;
        }
        const raw = Buffer.concat(chunks);
        simpleParser(raw, { keepCidLinks: true })
          .then((mail) => {
            received.push({ raw, mail, envelopeTo: session.envelope.rcptTo.map((r) => r.address) });
            callback();
          })
          .catch((error: Error) => callback(error));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    /** Every answer given, in order (including refusals). */
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
