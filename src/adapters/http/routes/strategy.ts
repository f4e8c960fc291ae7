/** Strategies: validate, draft, publish, retire, compare, draw; and the actions they plan. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StrategyVersion } from '../../../app/strategy/ports.ts';
import {
  diagramOf,
  diffVersions,
  publishSource,
  publishVersion,
  retireVersion,
  saveDraft,
  versionOrThrow,
} from '../../../app/strategy/strategies.ts';
import { CHANNELS } from '../../../domain/strategy/document.ts';
import { reviewStrategy } from '../../../app/strategy/review.ts';
import { parseStrategy } from '../../../domain/strategy/validate.ts';
import type { Platform } from '../../platform.ts';
import { DateString, ErrorBody, Nullable } from '../schemas.ts';
import { READERS, STRATEGY } from '../guard.ts';

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

const Version = Type.Object({
  id: Type.Integer(),
  strategyId: Type.String(),
  version: Type.Integer(),
  name: Type.String(),
  status: Type.String(),
  effectiveFrom: Nullable(DateString),
  createdBy: Type.String(),
  createdAt: Type.String(),
  publishedBy: Nullable(Type.String()),
  publishedAt: Nullable(Type.String()),
  publishReason: Nullable(Type.String()),
  retiredAt: Nullable(Type.String()),
});
const VersionWithSource = Type.Object({
  ...Version.properties,
  source: Type.String(),
  diagram: Type.String(),
});
const Publish = Type.Object(
  {
    by: Type.String({ minLength: 1, maxLength: 200 }),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    effectiveFrom: DateString,
  },
  { additionalProperties: false },
);
const Money = Type.Record(Type.String(), Type.Integer(), {
  description: 'minor units per currency',
});
const ReviewSchema = Type.Object({
  versionId: Type.Integer(),
  version: Type.Integer(),
  from: DateString,
  to: DateString,
  responseWindowDays: Type.Integer(),
  costCurrency: Type.String(),
  costByChannel: Type.Record(Type.String(), Type.Integer()),
  segments: Type.Array(
    Type.Object({
      segmentId: Type.String(),
      entered: Type.Integer(),
      cured: Type.Integer(),
      cureRate: Nullable(Type.Number()),
      collected: Money,
      cost: Type.Integer(),
      steps: Type.Array(
        Type.Object({
          segmentId: Type.String(),
          stepId: Type.String(),
          channel: Type.String(),
          planned: Type.Integer(),
          skipped: Type.Integer(),
          responders: Type.Integer(),
          responseRate: Nullable(Type.Number()),
          collected: Money,
          cost: Type.Integer(),
          flag: Nullable(Type.String()),
        }),
      ),
    }),
  ),
});
const Params = Type.Object({ strategyId: Type.String(), version: Type.Integer({ minimum: 1 }) });

const summary = ({ source: _s, ...v }: StrategyVersion) => v;

export function strategyRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/strategies',
      {
        config: { roles: READERS },
        schema: {
          tags: ['strategies'],
          summary: 'Every strategy version, with status, effective date, who published it and why',
          response: {
            200: Type.Object({ versions: Type.Array(Version), inForce: Nullable(Type.Integer()) }),
          },
        },
      },
      async () => {
        const versions = await p.strategies.list();
        const inForce = await p.strategies.inForce('default', p.today());
        return { versions: versions.map(summary), inForce: inForce?.id ?? null };
      },
    );

    app.post(
      '/strategies/validate',
      {
        config: { roles: READERS, audit: false },
        schema: {
          tags: ['strategies'],
          summary: 'Check a strategy document (YAML or JSON text) without storing it',
          body: Type.Object(
            { source: Type.String({ maxLength: 500_000 }) },
            { additionalProperties: false },
          ),
          response: {
            200: Type.Object({
              valid: Type.Boolean(),
              errors: Type.Array(Type.Object({ path: Type.String(), reason: Type.String() })),
            }),
          },
        },
      },
      async (req) => {
        const r = parseStrategy(req.body.source);
        return r.ok ? { valid: true, errors: [] } : { valid: false, errors: r.errors };
      },
    );

    app.post(
      '/strategies',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['strategies'],
          summary: 'Store a document as a draft, or publish it at once',
          body: Type.Object(
            {
              source: Type.String({ maxLength: 500_000 }),
              by: Type.String({ minLength: 1, maxLength: 200 }),
              publish: Type.Optional(Publish),
            },
            { additionalProperties: false },
          ),
          response: { 201: Version, ...errors },
        },
      },
      async (req, reply) => {
        const { source, by, publish } = req.body;
        const v = publish
          ? await publishSource(p.strategies, source, publish)
          : await saveDraft(p.strategies, source, by);
        return reply.status(201).send(summary(v));
      },
    );

    app.get(
      '/strategies/:strategyId/versions/:version',
      {
        config: { roles: READERS },
        schema: {
          tags: ['strategies'],
          summary: 'One version: details, document and its flow chart (Mermaid)',
          params: Params,
          response: { 200: VersionWithSource, ...errors },
        },
      },
      async (req) => {
        const { strategyId, version } = req.params;
        const v = await versionOrThrow(p.strategies, strategyId, version);
        return { ...v, diagram: await diagramOf(p.strategies, strategyId, version) };
      },
    );

    app.post(
      '/strategies/:strategyId/versions/:version/publish',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['strategies'],
          summary: 'Publish a draft, or publish an older version again as a new one (roll back)',
          params: Params,
          body: Publish,
          response: { 200: Version, ...errors },
        },
      },
      async (req) =>
        summary(
          await publishVersion(p.strategies, req.params.strategyId, req.params.version, req.body),
        ),
    );

    app.post(
      '/strategies/:strategyId/versions/:version/retire',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['strategies'],
          summary: 'Take a published version out of use',
          params: Params,
          response: { 200: Version, ...errors },
        },
      },
      async (req) =>
        summary(await retireVersion(p.strategies, req.params.strategyId, req.params.version)),
    );

    app.get(
      '/strategies/:strategyId/diff',
      {
        config: { roles: READERS },
        schema: {
          tags: ['strategies'],
          summary: 'Line changes between two versions',
          params: Type.Object({ strategyId: Type.String() }),
          querystring: Type.Object({
            from: Type.Integer({ minimum: 1 }),
            to: Type.Integer({ minimum: 1 }),
          }),
          response: {
            200: Type.Array(Type.Object({ op: Type.String(), text: Type.String() })),
            ...errors,
          },
        },
      },
      async (req) =>
        diffVersions(p.strategies, req.params.strategyId, req.query.from, req.query.to),
    );

    app.get(
      '/strategies/:strategyId/review',
      {
        config: { roles: READERS },
        schema: {
          tags: ['strategies'],
          summary:
            'Periodic review: per version, segment and step, entries, cures, amounts collected, ' +
            'actions, responses, cost by channel, and the steps that moved nothing',
          params: Type.Object({ strategyId: Type.String() }),
          querystring: Type.Object({ from: DateString, to: DateString }),
          response: { 200: Type.Array(ReviewSchema), 400: ErrorBody },
        },
      },
      async (req) => reviewStrategy(p, req.params.strategyId, req.query.from, req.query.to),
    );

    app.get(
      '/actions',
      {
        config: { roles: READERS },
        schema: {
          tags: ['strategies'],
          summary: 'Actions the strategy planned, newest first, by account, day or channel',
          querystring: Type.Object({
            accountId: Type.Optional(Type.String()),
            date: Type.Optional(DateString),
            channel: Type.Optional(Type.Union(CHANNELS.map((c) => Type.Literal(c)))),
            after: Type.Optional(Type.Integer()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
          }),
        },
      },
      async (req) => {
        const { after, limit, ...filter } = req.query;
        const items = await p.strategies.actions(filter, after, (limit ?? 50) + 1);
        const page = items.slice(0, limit ?? 50);
        return { items: page, next: items.length > page.length ? (page.at(-1)?.id ?? null) : null };
      },
    );
  };
}
