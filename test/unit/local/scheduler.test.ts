import type { FunctionSpec } from '../../../scripts/manifest';
import { scheduledEvent, startSchedules } from '../../../scripts/local/scheduler';
import { received } from './fixtures/scheduled';

const fn: FunctionSpec = {
  name: 'test-sweep', entry: 'test/unit/local/fixtures/scheduled.ts', trigger: { type: 'schedule', rate: 'rate(2 minutes)' },
  memory: 256, timeout: 5, env: {}, permissions: [],
};
const http: FunctionSpec = { ...fn, name: 'test-http', trigger: { type: 'http', method: 'GET', path: '/x', auth: 'none' } };

beforeEach(() => { received.length = 0; });
afterEach(() => { jest.useRealTimers(); });

describe('scheduledEvent', () => {
  it('has the shape EventBridge sends a scheduled rule target', () => {
    const event = scheduledEvent(fn, 'eu-west-1', new Date('2026-12-01T10:05:00.123Z'));
    expect(event).toEqual({
      version: '0', id: expect.stringMatching(/^[0-9a-f-]{36}$/), 'detail-type': 'Scheduled Event', source: 'aws.events',
      account: '000000000000', time: '2026-12-01T10:05:00Z', region: 'eu-west-1',
      resources: ['arn:aws:events:eu-west-1:000000000000:rule/darkroom-test-sweep-schedule'], detail: {},
    });
  });
});

describe('startSchedules', () => {
  it('runs a scheduled function now and answers its result; other functions are not scheduled', async () => {
    const schedules = startSchedules({ functions: [fn, http], region: 'us-east-1', timers: false });
    expect(schedules.rates).toEqual({ 'test-sweep': 'rate(2 minutes)' });
    const run = await schedules.runNow('test-sweep');
    expect(run).toMatchObject({ function: 'test-sweep', result: { swept: 1 }, event: { 'detail-type': 'Scheduled Event' } });
    expect(received).toHaveLength(1);
    expect(await schedules.runNow('test-http')).toBeUndefined();
    await schedules.stop();
  });

  it('fires at the manifest rate, skipping a tick while the previous run is still going, and stops', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate'] });
    const schedules = startSchedules({ functions: [fn], region: 'us-east-1' });
    await jest.advanceTimersByTimeAsync(119_000);
    expect(received).toHaveLength(0);
    await jest.advanceTimersByTimeAsync(1_000);
    await jest.advanceTimersByTimeAsync(0);
    expect(received).toHaveLength(1);
    await jest.advanceTimersByTimeAsync(240_000);
    expect(received).toHaveLength(3);
    await schedules.stop();
    await jest.advanceTimersByTimeAsync(600_000);
    expect(received).toHaveLength(3);
  });

  it('reports a failed run with its error instead of throwing', async () => {
    const failing: FunctionSpec = { ...fn, name: 'test-fail', entry: 'test/unit/local/fixtures/failing-schedule.ts' };
    const schedules = startSchedules({ functions: [failing], region: 'us-east-1', timers: false });
    expect(await schedules.runNow('test-fail')).toMatchObject({ function: 'test-fail', error: 'sweep failed' });
    await schedules.stop();
  });
});
