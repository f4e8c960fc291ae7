/** Message templates: the catalogue, checking a template, and previews with an account's figures. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { previewTemplate } from '../../../app/templates/preview.ts';
import { DEFAULT_TEMPLATES } from '../../../domain/templates/catalog.ts';
import {
  checkTemplate,
  TEMPLATE_VARIABLES,
  type MessageTemplate,
} from '../../../domain/templates/templates.ts';
import type { Platform } from '../../platform.ts';
import { ErrorBody } from '../schemas.ts';

const Template = Type.Object(
  {
    id: Type.String(),
    channel: Type.Union([Type.Literal('sms'), Type.Literal('email'), Type.Literal('letter')]),
    language: Type.String(),
    subject: Type.Optional(Type.String()),
    body: Type.String({ maxLength: 20_000 }),
  },
  { additionalProperties: false },
);

export function templateRoutes(
  p: Platform,
  settings: { companyName: string; publicUrl: string },
): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = { ledger: p.ledger, policies: p.policies, clock: p.clock };

    app.get(
      '/templates',
      {
        schema: {
          tags: ['templates'],
          summary: 'The message templates and the variables they may use',
          response: {
            200: Type.Object({
              templates: Type.Array(Template),
              variables: Type.Record(Type.String(), Type.String()),
            }),
          },
        },
      },
      async () => ({
        templates: DEFAULT_TEMPLATES.map((t) => ({ ...t })),
        variables: { ...TEMPLATE_VARIABLES },
      }),
    );

    app.post(
      '/templates/check',
      {
        schema: {
          tags: ['templates'],
          summary: 'Check a template: unknown variables, missing subject or opt-out link',
          body: Template,
          response: {
            200: Type.Object({
              valid: Type.Boolean(),
              errors: Type.Array(Type.Object({ field: Type.String(), reason: Type.String() })),
            }),
          },
        },
      },
      async (req) => {
        const errors = checkTemplate(req.body as MessageTemplate);
        return { valid: errors.length === 0, errors };
      },
    );

    app.post(
      '/templates/preview',
      {
        schema: {
          tags: ['templates'],
          summary:
            "A template filled with an account's figures as of today, in the customer's language",
          body: Type.Object(
            {
              accountId: Type.String(),
              id: Type.Optional(Type.String()),
              channel: Type.Optional(Type.String()),
              language: Type.Optional(Type.String()),
              template: Type.Optional(Template),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              language: Type.String(),
              subject: Type.Optional(Type.String()),
              text: Type.String(),
              html: Type.Optional(Type.String()),
            }),
            400: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (req) =>
        previewTemplate(deps, settings, req.body as Parameters<typeof previewTemplate>[2]),
    );
  };
}
