/** Strategies: validate, draft, publish, retire, compare, draw; and the actions they plan. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { StrategyVersion } from '../../../app/strategy/ports.ts';
import {
  diagramOf,
  diffVersions,
  flowOf,
  publishSource,
  publishVersion,
  retireVersion,
  saveDraft,
  versionOrThrow,
} from '../../../app/strategy/strategies.ts';
import { CHANNELS } from '../../../domain/strategy/document.ts';
import { reviewStrategy } from '../../../app/strategy/review.ts';
import { MAX_SIMULATION_DAYS, simulateVersion } from '../../../app/strategy/simulate.ts';
import { SqlSimulationStore } from '../../storage/simulation-store.ts';
import { parseStrategy } from '../../../domain/strategy/validate.ts';
import type { Platform } from '../../platform.ts';
import { DateString, ErrorBody, Nullable } from '../schemas.ts';
import { READERS, STRATEGY } from '../guard.ts';

/** Who may run a simulation: it changes nothing. */
const SIMULATORS = [...STRATEGY, 'analyst'] as const;

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

const Counts = Type.Record(Type.String(), Type.Integer());
const Interval = Nullable(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }));
const Rates = {
  accounts: Type.Integer(),
  delinquentAtStart: Type.Integer(),
  cured: Type.Integer(),
  cureRate: Nullable(Type.Number()),
  cureRateCi: Interval,
  rolledForward: Type.Integer(),
  rollForwardRate: Nullable(Type.Number()),
  recoveryRate: Nullable(
    Type.Number({ description: 'mean of collected ÷ outstanding at the start' }),
  ),
  collected: Money,
};
const SimulatedSide = Type.Object({
  name: Type.String({ description: 'strategy:version' }),
  versionId: Type.Integer(),
  version: Type.Integer(),
  status: Type.String(),
  ...Rates,
  cost: Type.Integer({ description: 'minor units of costCurrency' }),
  costCurrency: Type.String(),
  promises: Type.Integer(),
  promisesKept: Type.Integer(),
  actions: Counts,
  overCapacity: Counts,
  complianceBlocked: Counts,
  segments: Type.Array(
    Type.Object({
      segmentId: Type.String(),
      name: Type.String(),
      entries: Type.Integer(),
      steps: Type.Array(
        Type.Object({
          stepId: Type.String(),
          channel: Type.String(),
          offset: Type.Integer(),
          actions: Type.Integer(),
        }),
      ),
    }),
  ),
  vsChampion: Nullable(
    Type.Object({
      cureDifference: Type.Number(),
      cureCi: Type.Array(Type.Number()),
      curePValue: Type.Number(),
      recoveryDifference: Nullable(Type.Number()),
      recoveryCi: Interval,
    }),
  ),
});
const Simulation = Type.Object({
  strategyId: Type.String(),
  from: DateString,
  to: DateString,
  days: Type.Integer(),
  seed: Type.String(),
  accounts: Type.Integer(),
  capacity: Type.Object({ phonePerDay: Type.Integer(), fieldVisitsPerDay: Type.Integer() }),
  candidate: SimulatedSide,
  champion: Nullable(SimulatedSide),
  observed: Type.Object({ ...Rates, actions: Counts }),
});
const FlowNode = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ description: 'start, exits, exit, condition, segment, step' }),
  },
  { additionalProperties: true },
);
const Flow = Type.Object({
  strategyId: Type.String(),
  version: Type.Integer(),
  status: Type.String(),
  name: Type.String(),
  nodes: Type.Array(FlowNode),
  edges: Type.Array(
    Type.Object({
      from: Type.String(),
      to: Type.String(),
      kind: Type.String({ description: 'yes, no, path, then' }),
      label: Nullable(Type.String()),
    }),
  ),
});

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

    app.get(
      '/strategies/:strategyId/versions/:version/flow',
      {
        config: { roles: READERS },
        schema: {
          tags: ['strategies'],
          summary:
            'One version as flow-chart data: the exits, each segment with its condition, its ' +
            'steps in day order (channel, day, skip condition, fallback) and the edges',
          params: Params,
          response: { 200: Flow, ...errors },
        },
      },
      async (req) => flowOf(p.strategies, req.params.strategyId, req.params.version),
    );

    const simulations = new SqlSimulationStore(p.db);
    app.post(
      '/strategies/:strategyId/versions/:version/simulate',
      {
        // it changes nothing: not written to the audit log
        config: { roles: SIMULATORS, audit: false },
        schema: {
          tags: ['strategies'],
          summary:
            'Simulate a version against the champion in force over the stored portfolio, ' +
            'from the accounts as they stood on `from` to `to`, with what the history shows',
          params: Params,
          body: Type.Object(
            {
              from: Type.Optional(DateString),
              to: Type.Optional(DateString),
              days: Type.Optional(
                Type.Integer({ description: `1 to ${MAX_SIMULATION_DAYS}; default 90` }),
              ),
              seed: Type.Optional(Type.String()),
              callsPerDay: Type.Optional(Type.Integer()),
              visitsPerDay: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
          response: { 200: Simulation, ...errors },
        },
      },
      async (req) =>
        simulateVersion(
          { strategies: p.strategies, simulations, policies: p.policies },
          req.params.strategyId,
          req.params.version,
          req.body ?? {},
          p.today(),
        ),
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
