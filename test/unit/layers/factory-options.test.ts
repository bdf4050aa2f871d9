/**
 * The runtime factories' options: `auth: 'optional'`, the queue attempt, and each invocation's own logger
 * (idempotency is shown through the local stack: test/integration/idempotency.test.ts).
 */
import { httpEvent, lambdaContext, sqsEvent } from '../../support/events';
import { runtimeUnderTest } from '../../support/runtime';

const setup = runtimeUnderTest();

type Answer = { statusCode: number; body: string };
const call = (handler: unknown, event: unknown, context = lambdaContext()) =>
  (handler as (e: unknown, c: unknown) => Promise<Answer>)(event, context);

describe("httpHandler auth: 'optional'", () => {
  const handler = () => setup.runtime.httpHandler({ envelope: 'plain', auth: 'optional', body: 'none' })
    .handler(async ({ caller }) => ({ sub: caller?.sub ?? null }));

  it('gives no caller without a token, and the caller with a valid one', async () => {
    const route = handler();
    expect(JSON.parse((await call(route, httpEvent({ method: 'GET' }))).body)).toEqual({ sub: null });
    expect(JSON.parse((await call(route, httpEvent({ method: 'GET', token: setup.issuer.idToken('sub-7') }))).body)).toEqual({ sub: 'sub-7' });
  });

  it('refuses a token that is sent but not valid with 401, as required mode does', async () => {
    const route = handler();
    const expired = setup.issuer.idToken('s', { exp: Math.floor(Date.now() / 1000) - 10 });
    for (const token of ['not.a.token', expired]) {
      const response = await call(route, httpEvent({ method: 'GET', token }));
      expect([token.slice(0, 10), response.statusCode]).toEqual([token.slice(0, 10), 401]);
    }
  });
});

describe('queueHandler attempt', () => {
  it('hands the worker the delivery number, the queue\'s maxReceiveCount from the environment, and whether it is the last', async () => {
    expect(process.env.THUMBNAILS_MAX_RECEIVE_COUNT).toBe('3');
    const seen: unknown[] = [];
    const handler = setup.runtime.queueHandler().handler(async ({ attempt }) => { seen.push(attempt); });
    const event = sqsEvent({ a: 1 }, { b: 2 });
    event.Records[1]!.attributes.ApproximateReceiveCount = '3';
    await (handler as unknown as (e: unknown, c: unknown) => Promise<unknown>)(event, lambdaContext('darkroom-media-thumbnail'));
    expect(seen).toEqual([{ number: 1, max: 3, last: false }, { number: 3, max: 3, last: true }]);
  });

  it('finds the queue by the longest ending of its name, whatever the deployment prefix', () => {
    const record = (queue: string) => ({ ...sqsEvent({}).Records[0]!, eventSourceARN: `arn:aws:sqs:eu-west-1:1:${queue}` });
    expect(setup.runtime.attemptOf(record('darkroom-prod-images-thumbnail-events')).max).toBe(Number(process.env.IMAGES_THUMBNAIL_EVENTS_MAX_RECEIVE_COUNT));
    expect(setup.runtime.attemptOf(record('darkroom-dev-dataset-exports')).max).toBe(3);
    expect(() => setup.runtime.attemptOf(record('darkroom-unknown'))).toThrow(/UNKNOWN_MAX_RECEIVE_COUNT/);
  });
});

describe('each invocation logs with its own logger', () => {
  it('names the function\'s service and context, and concurrent invocations of two functions never mix them', async () => {
    const savedService = process.env.POWERTOOLS_SERVICE_NAME;
    delete process.env.POWERTOOLS_SERVICE_NAME;
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    setup.runtime.logger.setLogLevel('WARN');
    try {
      let release!: () => void;
      const gate = new Promise<void>((resolve) => { release = resolve; });
      const route = (label: string) => setup.runtime.httpHandler({ envelope: 'plain', auth: 'none', body: 'none' })
        .handler(async () => {
          setup.runtime.logger.appendKeys({ label });
          await gate;
          setup.runtime.logger.warn('finished', { label });
          return {};
        });
      const images = call(route('images'), httpEvent({ method: 'GET' }), lambdaContext('darkroom-images-upload'));
      const visual = call(route('visual'), httpEvent({ method: 'GET' }), lambdaContext('darkroom-visual-get-job'));
      release();
      await Promise.all([images, visual]);
      const lines = warn.mock.calls.map(([line]) => JSON.parse(String(line)) as Record<string, unknown>).filter((line) => line.message === 'finished');
      expect(lines.map((line) => [line.label, line.service, line.function_name]).sort()).toEqual([
        ['images', 'images', 'darkroom-images-upload'],
        ['visual', 'visual', 'darkroom-visual-get-job'],
      ]);
      expect(JSON.stringify(warn.mock.calls)).not.toMatch(/service_undefined/);
    } finally {
      warn.mockRestore();
      setup.runtime.logger.setLogLevel('SILENT');
      process.env.POWERTOOLS_SERVICE_NAME = savedService;
    }
  });

  it('takes POWERTOOLS_SERVICE_NAME when it is set (Terraform sets it per function), else the function name', () => {
    const saved = process.env.POWERTOOLS_SERVICE_NAME;
    try {
      process.env.POWERTOOLS_SERVICE_NAME = 'photos';
      expect(setup.runtime.serviceOf('darkroom-prod-photos-list')).toBe('photos');
      delete process.env.POWERTOOLS_SERVICE_NAME;
      expect(setup.runtime.serviceOf('darkroom-datasets-projects-create')).toBe('datasets');
    } finally {
      process.env.POWERTOOLS_SERVICE_NAME = saved;
    }
  });
});
