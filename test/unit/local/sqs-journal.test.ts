import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, replay, type JournalEntry, type StoredMessage } from '../../../scripts/local/emulators/sqs-journal';

const message = (id: string, extra: Partial<StoredMessage> = {}): StoredMessage => ({
  messageId: id, body: `{"n":"${id}"}`, md5OfBody: 'x', messageAttributes: {}, sentTimestamp: Number(id.replace(/\D/g, '')), approximateReceiveCount: 0, ...extra,
});

describe('replay', () => {
  it('keeps what was sent and not deleted; a received message comes back at its visibility deadline with its receive count', () => {
    const entries: JournalEntry[] = [
      { op: 'put', queue: 'q', message: message('m1') },
      { op: 'put', queue: 'q', message: message('m2') },
      { op: 'put', queue: 'q', message: message('m3') },
      { op: 'recv', id: 'm1', count: 1, until: 5_000 },
      { op: 'del', id: 'm1' },
      { op: 'recv', id: 'm2', count: 2, until: 9_000 },
      { op: 'recv', id: 'm3', count: 1, until: 9_000 },
      { op: 'vis', id: 'm3', until: 1_000 },
    ];
    const live = replay(entries);
    expect([...live.keys()]).toEqual(['m2', 'm3']);
    expect(live.get('m2')).toMatchObject({ queue: 'q', visibleAt: 9_000, message: { approximateReceiveCount: 2 } });
    expect(live.get('m3')!.visibleAt).toBe(1_000);
  });

  it('follows a message into its DLQ (same id) and forgets a purged queue', () => {
    const live = replay([
      { op: 'put', queue: 'q', message: message('m1') },
      { op: 'put', queue: 'q-dlq', message: message('m1', { approximateReceiveCount: 4 }) },
      { op: 'put', queue: 'other', message: message('m2') },
      { op: 'purge', queue: 'other' },
    ]);
    expect([...live.values()].map((m) => [m.queue, m.message.messageId, m.message.approximateReceiveCount])).toEqual([['q-dlq', 'm1', 4]]);
  });
});

describe('Journal', () => {
  let dir: string;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'journal-')); });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('survives a crash (no close), ignores a torn last line, and compacts on open', () => {
    const first = new Journal(dir);
    first.append({ op: 'put', queue: 'q', message: message('m1') });
    first.append({ op: 'put', queue: 'q', message: message('m2') });
    first.append({ op: 'del', id: 'm1' });
    first.append({ op: 'recv', id: 'm2', count: 1, until: 42 });
    appendFileSync(first.file, '{"op":"put","queue":"q","mess'); // the process died inside a write
    const second = new Journal(dir);
    expect([...second.restorable()].map(([queue, messages]) => [queue, messages.map((m) => [m.message.messageId, m.visibleAt])])).toEqual([['q', [['m2', 42]]]]);
    expect(readFileSync(second.file, 'utf8').trim().split('\n')).toHaveLength(2);
    second.close();
  });

  it('rewrites itself from the live messages after compactEvery appends', () => {
    const journal = new Journal(dir, 10);
    for (let i = 0; i < 9; i++) journal.append({ op: 'put', queue: 'q', message: message(`m${i}`) });
    for (let i = 0; i < 8; i++) journal.append({ op: 'del', id: `m${i}` });
    expect(readFileSync(journal.file, 'utf8').trim().split('\n').length).toBeLessThan(17);
    journal.close();
    expect([...new Journal(dir).restorable().get('q')!].map((m) => m.message.messageId)).toEqual(['m8']);
  });
});
