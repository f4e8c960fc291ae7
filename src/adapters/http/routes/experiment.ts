/** Champion/challenger pilots over HTTP. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  experimentResults,
  promoteArm,
  startExperiment,
  stopExperiment,
} from '../../../app/experiment/experiments.ts';
import { notFound } from '../../../app/shared/errors.ts';
import type { Platform } from '../../platform.ts';
import { DateString, ErrorBody } from '../schemas.ts';
import { READERS, STRATEGY } from '../guard.ts';

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };
const ExperimentBody = Type.Object(
  { id: Type.String(), name: Type.String(), status: Type.String(), population: Type.String() },
  { additionalProperties: true },
);
const Results = Type.Object(
  {
    asOf: DateString,
    confidence: Type.Number(),
    experiment: ExperimentBody,
    arms: Type.Array(Type.Object({}, { additionalProperties: true })),
  },
  { additionalProperties: true },
);
const Arm = Type.Object(
  {
    name: Type.String(),
    strategyId: Type.String(),
    version: Type.Integer({ minimum: 1 }),
    share: Type.Number({ exclusiveMinimum: 0, exclusiveMaximum: 100 }),
  },
  { additionalProperties: false },
);

export function experimentRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/experiments',
      {
        config: { roles: READERS },
        schema: { tags: ['experiments'], summary: 'Every experiment' },
      },
      async () => p.experiments.list(),
    );

    app.post(
      '/experiments',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['experiments'],
          summary: 'Start a pilot: a champion and challengers splitting a population by hash',
          body: Type.Object(
            {
              id: Type.String(),
              name: Type.String(),
              population: Type.String({
                description: 'CEL condition over account, customer, history, score',
              }),
              arms: Type.Array(Arm, { minItems: 2 }),
              by: Type.String({ minLength: 1 }),
              startsOn: DateString,
              endsOn: Type.Optional(DateString),
            },
            { additionalProperties: false },
          ),
          response: { 201: ExperimentBody, ...errors },
        },
      },
      async (req, reply) => {
        const { by, startsOn, endsOn, ...doc } = req.body;
        return reply
          .status(201)
          .send(await startExperiment(p, doc, { by, startsOn, endsOn: endsOn ?? null }));
      },
    );

    app.get(
      '/experiments/:id',
      {
        config: { roles: READERS },
        schema: {
          tags: ['experiments'],
          summary:
            'An experiment and its results per arm, with intervals and tests against the champion',
          params: Type.Object({ id: Type.String() }),
          querystring: Type.Object({
            asOf: Type.Optional(DateString),
            confidence: Type.Optional(Type.Number({ minimum: 0.5, maximum: 0.999 })),
            lift: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 0.5 })),
          }),
          response: { 200: Results, 404: ErrorBody },
        },
      },
      async (req) => {
        const e = await p.experiments.get(req.params.id);
        if (!e) throw notFound(`experiment ${req.params.id}`);
        return experimentResults(p, e.id, req.query.asOf ?? p.today(), {
          confidence: req.query.confidence,
          lift: req.query.lift,
        });
      },
    );

    app.post(
      '/experiments/:id/stop',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['experiments'],
          summary: 'End a pilot without promoting an arm',
          params: Type.Object({ id: Type.String() }),
          body: Type.Object({ by: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
          response: { 200: ExperimentBody, ...errors },
        },
      },
      async (req) => stopExperiment(p, req.params.id, req.body.by, p.today()),
    );

    app.post(
      '/experiments/:id/promote',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['experiments'],
          summary: "Publish an arm's strategy version for the whole population and end the pilot",
          params: Type.Object({ id: Type.String() }),
          body: Type.Object(
            {
              arm: Type.String(),
              by: Type.String({ minLength: 1 }),
              reason: Type.String({ minLength: 1 }),
            },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              experiment: ExperimentBody,
              published: Type.Object({}, { additionalProperties: true }),
            }),
            ...errors,
          },
        },
      },
      async (req) =>
        promoteArm(p, req.params.id, req.body.arm, {
          by: req.body.by,
          reason: req.body.reason,
          on: p.today(),
        }),
    );
  };
}
