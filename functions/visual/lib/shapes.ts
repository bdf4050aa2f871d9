import { badRequest, describeValidationErrors } from '@darkroom/runtime';
import type { MiddlewareObj } from '@middy/core';

/** One accepted body shape of a polymorphic route: its fields and what it does, for error messages. */
export interface BodyShape { fields: string; purpose: string }

/**
 * Middy middleware for a route whose body schema is a `oneOf` of shapes: a body matching none is answered
 * 400 naming the accepted shapes (ajv alone would list every branch's complaint), followed by the problems
 * that are not about which fields are present (a malformed jobID, a code that is not 6 digits).
 * Registered after `.handler()`, so its onError runs before the runtime's error handling.
 */
export function acceptedShapes(shapes: BodyShape[]): MiddlewareObj {
  return {
    onError: (request) => {
      const error = request.error as (Error & { cause?: { package?: string; data?: Array<{ keyword: string; instancePath: string }> } }) | null;
      if (error?.cause?.package !== '@middy/validator') return;
      const errors = error.cause.data ?? [];
      if (!errors.some((e) => e.keyword === 'oneOf' || e.keyword === 'const')) return;
      const details = errors.filter((e) => e.instancePath.startsWith('/body/') && !['required', 'additionalProperties', 'oneOf', 'const', 'type'].includes(e.keyword));
      const accepted = shapes.map((s) => `${s.fields} (${s.purpose})`).join('; ');
      request.error = badRequest(`The body matches none of the accepted shapes: ${accepted}${details.length ? `. Problems: ${describeValidationErrors(details as never)}` : ''}`);
    },
  };
}

/** The shapes of seed 000's one POST /job, in the order the seed lists them. */
export const JOB_SHAPES: BodyShape[] = [
  { fields: '{email, fileName}', purpose: 'first file: creates the job and e-mails a code' },
  { fields: '{email, fileName, jobID}', purpose: 'another file' },
  { fields: '{verificationCode, jobID}', purpose: 'confirm the e-mailed code' },
  { fields: '{email, jobID}', purpose: 'change the e-mail address and send a new code' },
  { fields: '{uploadDone: "true", jobID}', purpose: 'every file uploaded: analyse the job' },
];
