/**
 * The portfolio's scores over HTTP: an account's tier and scores with reason codes, the
 * accounts per tier and band, the classification standard, the monitoring and its limits.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  accountScores,
  monitoring,
  setClassification,
  setMonitoringLimits,
} from '../../../app/scoring/portfolio.ts';
import type { Platform } from '../../platform.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { READERS, STRATEGY } from '../guard.ts';

const Text2 = Type.Object({ en: Type.String(), 'zh-CN': Type.String() });
const Limits = Type.Object({
  psi: Type.Number({ minimum: 0, description: 'PSI above this raises an alert' }),
  calibrationGap: Type.Number({
    minimum: 0,
    description: "A band's actual event rate this far from the predicted raises an alert",
  }),
  minBandAccounts: Type.Number({ minimum: 0, description: 'Smaller bands are not judged' }),
});

export function scoringPortfolioRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/accounts/:id/scores',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: "An account's tier and its score per purpose, with the reason codes",
          params: Type.Object({ id: Type.String({ description: 'The account id' }) }),
          response: {
            200: Type.Object({
              tier: Nullable(
                Type.Object({
                  tier: Type.String(),
                  purpose: Type.String(),
                  rule: Type.Integer(),
                  changedOn: Type.String(),
                }),
              ),
              scores: Type.Array(
                Type.Object({
                  purpose: Type.String(),
                  version: Type.Integer(),
                  points: Type.Integer(),
                  probability: Type.Number(),
                  band: Type.String(),
                  reasons: Type.Array(Type.String()),
                  changedOn: Type.String(),
                }),
              ),
            }),
            404: ErrorBody,
          },
        },
      },
      async (req) => accountScores(p.scoring, req.params.id),
    );

    app.get(
      '/scoring/portfolio',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: 'Accounts per tier, and per band of each purpose',
          response: {
            200: Type.Object({
              tiers: Type.Record(Type.String(), Type.Integer()),
              bands: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer())),
            }),
          },
        },
      },
      async () => p.scoring.distribution(),
    );

    app.get(
      '/scoring/classification',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: 'The classification standard: tiers with their meaning, and the rules',
          response: {
            200: Type.Object({
              purposes: Type.Object({ current: Type.String(), pastDue: Type.String() }),
              tiers: Type.Array(
                Type.Object({ name: Type.String(), label: Text2, explanation: Text2 }),
              ),
              rules: Type.Array(
                Type.Object({ tier: Type.String() }, { additionalProperties: true }),
              ),
            }),
          },
        },
      },
      async () => p.scoring.classification(),
    );

    app.put(
      '/scoring/classification',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['scoring'],
          summary: 'Replace the classification standard (in force from the next cycle)',
          body: Type.Object({}, { additionalProperties: true }),
          response: {
            200: Type.Object({}, { additionalProperties: true }),
            400: ErrorBody,
          },
        },
      },
      async (req) => setClassification(p.scoring, req.body),
    );

    app.get(
      '/scoring/monitoring',
      {
        config: { roles: READERS },
        schema: {
          tags: ['scoring'],
          summary: "Each model's daily stability (PSI), bands, predicted against actual, alerts",
          querystring: Type.Object({
            purpose: Type.Optional(Type.String()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 60 })),
          }),
          response: { 200: Type.Array(Type.Object({}, { additionalProperties: true })) },
        },
      },
      async (req) => monitoring(p.scoring, req.query.purpose, req.query.limit ?? 60),
    );

    app.get(
      '/scoring/monitoring/limits',
      {
        config: { roles: READERS },
        schema: { tags: ['scoring'], summary: 'The monitoring limits', response: { 200: Limits } },
      },
      async () => p.scoring.monitoringLimits(),
    );

    app.put(
      '/scoring/monitoring/limits',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['scoring'],
          summary: 'Set the monitoring limits that raise alerts',
          body: Type.Partial(Limits),
          response: { 200: Limits, 400: ErrorBody },
        },
      },
      async (req) =>
        setMonitoringLimits(p.scoring, { ...(await p.scoring.monitoringLimits()), ...req.body }),
    );
  };
}
