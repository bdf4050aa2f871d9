import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { ROOT } from '../../../scripts/manifest';
import { connectQuery, sendFrame, subscribeFrame } from '../../../functions/social/lib/chat/frames';
import { messageBody } from '../../../functions/social/lib/schemas';

const doc = JSON.parse(readFileSync(join(ROOT, 'docs/chat.asyncapi.json'), 'utf8'));
const messages = doc.channels.chat.messages as Record<string, { payload: Record<string, unknown> }>;
const plain = (value: unknown) => JSON.parse(JSON.stringify(value));

describe('docs/chat.asyncapi.json', () => {
  it('describes the client frames with the schemas the routes validate, and the $connect query', () => {
    expect(messages.subscribe!.payload).toEqual(plain(subscribeFrame));
    expect(messages.send!.payload).toEqual(plain(sendFrame));
    expect(doc.channels.chat.bindings.ws.query).toEqual(plain(connectQuery));
  });

  it('describes every server frame, carrying messages as REST returns them', () => {
    for (const type of ['subscribed', 'sent', 'message', 'error']) expect(messages[type]).toBeDefined();
    expect((messages.message!.payload.properties as Record<string, unknown>).message).toEqual(plain(messageBody));
    const ajv = addFormats(new Ajv2020({ strict: false }));
    const message = { id: '0mxdwmx2heba74d78', sender: 'c18e921c-c420', message: 'hi', sent_at: '2026-12-07T23:31:44.489Z' };
    expect(ajv.validate(messages.sent!.payload, { type: 'sent', event_id: 'ev-1', message, repeated: false })).toBe(true);
    expect(ajv.validate(messages.error!.payload, { type: 'error', status: 403, message: 'members only', action: 'send' })).toBe(true);
    expect(ajv.validate(messages.message!.payload, { type: 'message', event_id: 'ev-1', message: { ...message, sent_at: 'yesterday' } })).toBe(false);
  });
});
