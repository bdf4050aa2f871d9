/**
 * The outbox: every message AWS would have delivered to a person (Cognito codes, SES mail), kept in
 * an append-only JSON-lines file under dataDir so it survives restarts.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

export interface OutboxMessage {
  to: string;
  subject: string;
  text: string;
  /** ISO 8601 time the message was sent. */
  at: string;
  /** The one-time code the message carries: Cognito's, or an SES mail's (see {@link codeOfMail}). */
  code?: string;
  /** Where it came from: `cognito:<source>` or `ses:<messageId>`. */
  source: string;
}

/**
 * The one-time code an SES mail carries, so the outbox gives `code` for it as for Cognito's messages:
 * Darkroom's code mails put it at the end of the subject, after the word "code" (e.g. visual's
 * `Your Darkroom visual testing code: 123456`). @returns the digits, or undefined for any other subject
 */
export function codeOfMail(subject: string): string | undefined {
  return /\bcode:?\s*(\d{4,10})\s*$/i.exec(subject)?.[1];
}

export class Outbox {
  constructor(readonly file: string) {}

  /** Appends one message. */
  add(message: OutboxMessage): void {
    appendFileSync(this.file, `${JSON.stringify(message)}\n`);
  }

  /** All messages, newest first (the file is in the order messages were sent). */
  list(): OutboxMessage[] {
    if (!existsSync(this.file)) return [];
    const lines = readFileSync(this.file, 'utf8').split('\n').filter(Boolean);
    return lines.map((line) => JSON.parse(line) as OutboxMessage).reverse();
  }

  /** Whether a message from `source` is already recorded. */
  has(source: string): boolean {
    return this.list().some((m) => m.source === source);
  }
}
