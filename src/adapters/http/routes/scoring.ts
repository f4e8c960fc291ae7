/** The model registry over HTTP: scorecards versioned per purpose, one active each. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ModelSummary } from '../../../app/scoring/ports.ts';
import {
  activateModel,
  activeModel,
  getModel,
  listModels,
  registerModel,
} from '../../../app/scoring/registry.ts';
import { notFound } from '../../../app/shared/errors.ts';
import type { Platform } from '../../platform.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { READERS, STRATEGY } from '../guard.ts';

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const Purpose = Type.String({
  pattern: '^[a-z][a-z0-9_]{0,39}$',
  description: 'What the model scores for, e.g. early_warning or collection',
});
const summaryFields = {
  id: Type.Integer(),
  purpose: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  active: Type.Boolean(),
  registeredBy: Type.String(),
  registeredAt: Type.String(),
  note: Nullable(Type.String()),
  activatedBy: Nullable(Type.String()),
  activatedAt: Nullable(Type.String()),
  deactivatedBy: Nullable(Type.String()),
  deactivatedAt: Nullable(Type.String()),
  fingerprint: Nullable(Type.String({ description: "The training data's fingerprint" })),
};
const Summary = Type.Object(summaryFields);
const Model = Type.Object({
  ...summaryFields,
  document: Type.Unknown({ description: 'The scorecard document (format "recoup-scorecard")' }),
});
const Params = Type.Object({ purpose: Purpose, version: Type.Integer({ minimum: 1 }) });
const By = Type.String({ minLength: 1, description: 'Who does it' });

/** Without the document, whatever the object holds. */
const summary = ({ document: _, ...m }: ModelSummary & { document?: unknown }): ModelSummary => m;

export function scoringRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/scoring/models',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: 'Every registered model version (without documents), of one purpose or all',
          querystring: Type.Object({ purpose: Type.Optional(Purpose) }),
          response: { 200: Type.Array(Summary), 400: ErrorBody },
        },
      },
      async (req) => listModels(p.models, req.query.purpose),
    );

    app.post(
      '/scoring/models',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['scoring'],
          summary: 'Register a scorecard as the next version of its purpose (and activate it)',
          body: Type.Object(
            {
              purpose: Purpose,
              document: Type.Object(
                {},
                {
                  additionalProperties: true,
                  description:
                    'The scorecard: format "recoup-scorecard", formatVersion 1, name, characteristics',
                },
              ),
              note: Type.Optional(Type.String()),
              activate: Type.Optional(Type.Boolean()),
              by: By,
            },
            { additionalProperties: false },
          ),
          response: { 201: Summary, ...errors },
        },
      },
      async (req, reply) => {
        const { document, ...input } = req.body;
        return reply.status(201).send(summary(await registerModel(p.models, document, input)));
      },
    );

    app.get(
      '/scoring/models/:purpose/active',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: 'The active model of a purpose, with its document',
          params: Type.Object({ purpose: Purpose }),
          response: { 200: Model, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => {
        const m = await activeModel(p.models, req.params.purpose);
        if (!m) throw notFound(`active model for ${req.params.purpose}`);
        return m;
      },
    );

    app.get(
      '/scoring/models/:purpose/:version',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: 'One model version, with its document',
          params: Params,
          response: { 200: Model, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => getModel(p.models, req.params.purpose, req.params.version),
    );

    app.post(
      '/scoring/models/:purpose/:version/activate',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['scoring'],
          summary: 'Make a version the active one of its purpose (the one before is deactivated)',
          params: Params,
          body: Type.Object({ by: By }, { additionalProperties: false }),
          response: { 200: Summary, ...errors },
        },
      },
      async (req) =>
        summary(await activateModel(p.models, req.params.purpose, req.params.version, req.body.by)),
    );
  };
}
