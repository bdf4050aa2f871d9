import type { RouteContract, RouteSchema } from '@darkroom/runtime';

/** GET /auth/template-invite-mail (Bearer): no input. */
export const schema = {} as const satisfies RouteSchema;

/** What the route answers (the `data` of the auth envelope). */
export const contract = {
  summary: 'Get the invitation template',
  description: 'The invitation mail POST /send-mail/reference-email sends: its subject and text, with `{{username}}` and `{{destination_email}}` placeholders, each described in `placeholders`.',
  responses: {
    200: {
      description: 'The template',
      body: {
        type: 'object',
        properties: {
          template_mail: { type: 'string', minLength: 1 },
          subject: { type: 'string', minLength: 1 },
          placeholders: {
            type: 'object',
            properties: { username: { type: 'string' }, destination_email: { type: 'string' } },
            required: ['username', 'destination_email'],
            additionalProperties: false,
          },
        },
        required: ['template_mail', 'subject', 'placeholders'],
        additionalProperties: false,
      },
    },
  },
} as const satisfies RouteContract;
