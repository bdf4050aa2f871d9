import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeOfMail, Outbox } from '../../../scripts/local/emulators/outbox';

describe('the outbox', () => {
  it('reads the code at the end of a code mail subject', () => {
    expect(codeOfMail('Your Darkroom visual testing code: 482913')).toBe('482913');
    expect(codeOfMail('Your verification code 1234')).toBe('1234');
  });

  it('gives no code for mail whose subject names none', () => {
    expect(codeOfMail('Your visual testing results for job 123456')).toBeUndefined();
    expect(codeOfMail('ada invites you to Darkroom')).toBeUndefined();
    expect(codeOfMail('code: 12')).toBeUndefined();
  });

  it('lists messages newest first', () => {
    const outbox = new Outbox(join(mkdtempSync(join(tmpdir(), 'outbox-')), 'outbox.jsonl'));
    outbox.add({ to: 'a@example.com', subject: 's1', text: '', at: '2026-01-01T00:00:00.000Z', source: 'ses:1' });
    outbox.add({ to: 'a@example.com', subject: 's2', text: '', at: '2026-01-01T00:00:01.000Z', code: '123456', source: 'ses:2' });
    expect(outbox.list().map((m) => m.code ?? null)).toEqual(['123456', null]);
  });
});
