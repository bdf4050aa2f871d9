/**
 * SES v2: aws-ses-v2-local in this process. It keeps mail in memory, with `at` in whole seconds;
 * after every POST it answers, new mail is copied from its `GET /store` into the outbox, stamped
 * with the time to the millisecond, so the outbox stays in send order and survives restarts.
 * It checks no identity (any From is accepted). Its SES v1 endpoint never answers unknown actions:
 * give SES clients a request timeout.
 */
import type { Server } from 'node:http';
import sesServer from 'aws-ses-v2-local';
import { codeOfMail, type Outbox } from './outbox';

export interface SesEmulator {
  endpoint: string;
  /** Copies mail not yet in the outbox from the emulator's store. */
  collectMail(): Promise<void>;
  stop(): Promise<void>;
}

interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { text?: string; html?: string };
  /** Seconds since epoch. */
  at: number;
}

/**
 * Starts aws-ses-v2-local on `host:port`.
 * @throws Error if it cannot listen there (port taken).
 */
export async function startSes(host: string, port: number, outbox: Outbox): Promise<SesEmulator> {
  const server: Server = await sesServer({ host, port });
  // Express 5 calls the listen callback on errors too, so a taken port "starts" without listening.
  if (!server.listening) throw new Error(`SES emulator could not listen on ${host}:${port} (port in use?)`);
  const endpoint = `http://${host}:${port}`;
  async function copyNewMail(): Promise<void> {
    const response = await fetch(`${endpoint}/store`, { signal: AbortSignal.timeout(5_000) });
    const { emails } = (await response.json()) as { emails: StoredEmail[] };
    const known = new Set(outbox.list().map((m) => m.source));
    for (const mail of emails.filter((e) => !known.has(`ses:${e.messageId}`))) {
      const to = [...mail.destination.to, ...mail.destination.cc, ...mail.destination.bcc].join(', ');
      const code = codeOfMail(mail.subject);
      outbox.add({ to, subject: mail.subject, text: mail.body.text ?? mail.body.html ?? '', at: new Date().toISOString(), ...(code && { code }), source: `ses:${mail.messageId}` });
    }
  }
  let collecting = Promise.resolve();
  /** Serialised, so two collections never append the same mail. */
  const collectMail = (): Promise<void> => (collecting = collecting.then(copyNewMail, copyNewMail));
  server.on('request', (req: { method?: string }, res: NodeJS.EventEmitter) => {
    if (req.method === 'POST') res.once('finish', () => void collectMail().catch(() => undefined));
  });
  return {
    endpoint,
    collectMail,
    stop: () => new Promise((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
}
