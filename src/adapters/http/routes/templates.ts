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
import { saveTemplate } from '../../../app/templates/save.ts';
import { ErrorBody } from '../schemas.ts';
import { READERS, STRATEGY } from '../guard.ts';

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
        config: { roles: READERS },
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
        // Saved templates first: they take the place of the catalogue's.
        templates: [...(await p.dispatch.templates()), ...DEFAULT_TEMPLATES].map((t) => ({ ...t })),
        variables: { ...TEMPLATE_VARIABLES },
      }),
    );

    app.put(
      '/templates/:channel/:id/:language',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['templates'],
          summary: 'Save a new version of a template (checked first; refused with the reasons)',
          params: Type.Object({
            channel: Type.Union([
              Type.Literal('sms'),
              Type.Literal('email'),
              Type.Literal('letter'),
            ]),
            id: Type.String(),
            language: Type.String(),
          }),
          body: Type.Object(
            {
              subject: Type.Optional(Type.String({ maxLength: 500 })),
              body: Type.String({ maxLength: 20_000 }),
              by: Type.String({ minLength: 1 }),
            },
            { additionalProperties: false },
          ),
          response: { 200: Type.Object({ version: Type.Integer() }), 400: ErrorBody },
        },
      },
      async (req) => {
        const t: MessageTemplate = { ...req.params, body: req.body.body };
        if (req.body.subject !== undefined) t.subject = req.body.subject;
        return saveTemplate(p.dispatch, t, req.body.by);
      },
    );

    app.post(
      '/templates/check',
      {
        config: { roles: READERS, audit: false },
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
        config: { roles: READERS, audit: false },
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
      async (req) => {
        const input = req.body as Parameters<typeof previewTemplate>[2];
        if (!input.template && input.id && input.channel) {
          // A saved template takes the place of the catalogue's.
          const saved = (await p.dispatch.templates()).filter(
            (t) => t.id === input.id && t.channel === input.channel,
          );
          const account = await p.ledger.account(input.accountId).catch(() => null);
          const language =
            input.language ??
            (account ? (await p.ledger.customer(account.customerId))?.language : undefined) ??
            'en';
          const t =
            saved.find((x) => x.language === language) ??
            saved.find((x) => language.startsWith(x.language.slice(0, 2)));
          if (t) input.template = t;
        }
        return previewTemplate(deps, { ...settings, links: p.links }, input);
      },
    );
  };
}
