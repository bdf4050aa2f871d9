import httpMultipartBodyParser from '@middy/http-multipart-body-parser';
import { badRequest, describeValidationErrors, logger, payloadTooLarge, routeValidator, unsupportedMediaType, type RouteSchema } from '@darkroom/runtime';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** A request to a route that takes either a file in its body or a JSON document. */
export type UploadBody<J = unknown> =
  | { kind: 'json'; value: J }
  | { kind: 'file'; data: Buffer; filename?: string; contentType?: string };

/** Options of {@link readUploadBody}. */
export interface ReadBodyOptions {
  /** Largest file accepted in the body, bytes. */
  maxBytes: number;
  /** Appended to the 413's message: where larger files go (the presigned flow). */
  tooLargeHint: string;
  /** Schema of the JSON variant's body (a `schema.ts` next to the handler, precompiled by the build). */
  jsonSchema: RouteSchema;
}

const validators = new WeakMap<object, ReturnType<typeof routeValidator>>();

/**
 * Validates a JSON document against a route schema's `body`, with the runtime's messages.
 * @throws 400 naming each problem
 */
export function validateJsonBody<J>(schema: RouteSchema, value: unknown): J {
  let validate = validators.get(schema);
  if (!validate) validators.set(schema, validate = routeValidator(schema));
  const event = { body: value };
  if (!validate(event)) throw badRequest(describeValidationErrors(validate.errors));
  return event.body as J;
}

/**
 * Reads the body of a binary-capable route (`J`: the type of its JSON variant, as its schema says) as API Gateway delivers it (base64 or not): JSON
 * (`application/json`, validated), multipart/form-data (field `file`, parsed by
 * @middy/http-multipart-body-parser; an optional `filename` field names it), or the raw bytes with
 * their Content-Type.
 * @throws 400 for an empty body, invalid JSON or a form without `file`; 413 over `maxBytes`; 415 for a malformed form
 */
export async function readUploadBody<J>(event: APIGatewayProxyEventV2, options: ReadBodyOptions): Promise<UploadBody<J>> {
  const contentType = (event.headers?.['content-type'] ?? '').toLowerCase();
  if (!event.body) throw badRequest('Request body is empty: send the file, or a JSON document');
  const tooLarge = (size: number) => {
    if (size > options.maxBytes) throw payloadTooLarge(`The body is ${size} bytes; at most ${options.maxBytes} bytes can be sent in a request. ${options.tooLargeHint}`);
  };
  if (/^application\/(.+\+)?json/.test(contentType)) {
    let value: unknown;
    try {
      value = JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body);
    } catch {
      throw badRequest('Request body is not valid JSON');
    }
    return { kind: 'json', value: validateJsonBody<J>(options.jsonSchema, value) };
  }
  if (contentType.startsWith('multipart/form-data')) {
    tooLarge(Math.floor((event.body.length * (event.isBase64Encoded ? 3 : 4)) / 4) - 2 * 1024);
    const request = { event: { headers: { 'content-type': event.headers['content-type'] }, body: event.body, isBase64Encoded: event.isBase64Encoded } };
    const malformed = () => unsupportedMediaType('The body is not valid multipart/form-data: send the file in a field named `file`');
    // A form cut short (no closing delimiter) makes busboy emit an error on the file's stream, which
    // @middy/http-multipart-body-parser does not listen to: an uncaught exception that would crash the
    // runtime. Such a body is refused before it reaches the parser.
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(event.headers['content-type'] ?? '');
    const closing = boundary && `--${boundary[1] ?? boundary[2]}--`;
    if (!closing || !Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8').includes(closing)) throw malformed();
    try {
      await httpMultipartBodyParser({ busboy: { limits: { files: 1, fileSize: options.maxBytes + 1 } } }).before!(request as never);
    } catch (error) {
      // Middy's and busboy's text stays in the log; the client gets ours.
      logger.info('multipart body refused', { detail: (error as Error).message, cause: (error as { cause?: { message?: string } }).cause?.message });
      throw malformed();
    }
    const form = request.event.body as unknown as Record<string, unknown>;
    const file = form.file as { content: Buffer; filename?: string; mimetype?: string; truncated?: boolean } | undefined;
    if (!file || !Buffer.isBuffer(file.content)) throw badRequest('multipart/form-data must carry the file in a field named `file`');
    if (file.truncated) tooLarge(options.maxBytes + 1);
    tooLarge(file.content.length);
    if (!file.content.length) throw badRequest('The file is empty');
    const named = typeof form.filename === 'string' && form.filename ? form.filename : file.filename;
    return { kind: 'file', data: file.content, filename: named || undefined, contentType: file.mimetype };
  }
  const data = Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8');
  tooLarge(data.length);
  return { kind: 'file', data, contentType: contentType || undefined };
}
