/**
 * Collector performance and incentives over HTTP: the month's assessment table (KPIs, targets,
 * score, grade, rank; teams from summed counts), the targets, the scheme, complaints, the
 * incentive rules, the statements (one collector's with the lines that make it up) and CSV.
 * A collector sees only their own row and statement (scope.ts narrows the lists).
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  getTargets,
  listComplaints,
  performanceReport,
  recordComplaint,
  setScheme,
  setTargets,
} from '../../../app/performance/performance.ts';
import { setRules, statements, statementsAsCsv } from '../../../app/incentives/incentives.ts';
import { forbidden } from '../../../app/shared/errors.ts';
import { KPI_NAMES, type AssessmentScheme } from '../../../domain/performance/assessment.ts';
import type { IncentiveRules } from '../../../domain/incentives/statement.ts';
import { performanceDeps, type Platform } from '../../platform.ts';
import { actorOf } from '../actor.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { OVERSIGHT, PERFORMANCE_READERS, SUPERVISORS } from '../guard.ts';
import { FRONT_LINE } from '../scope.ts';

const Minor = (description: string) =>
  Type.Integer({ description: `${description} (minor units)` });
const ByCurrency = Type.Record(Type.String(), Type.Integer(), {
  description: 'Minor units per ISO 4217 currency',
});

const Counts = Type.Object({
  id: Type.String(),
  attempts: Type.Integer(),
  rightPartyContacts: Type.Integer(),
  promisesTaken: Type.Integer(),
  promisesKept: Type.Integer(),
  promisesDue: Type.Integer(),
  collected: ByCurrency,
  accountsWorked: Type.Integer(),
  accountsCured: Type.Integer(),
  complaints: Type.Integer(),
  complianceBlocks: Type.Integer(),
});

const Rate = Nullable(
  Type.Number({ description: 'A fraction (0.25 = 25 %); null: no denominator' }),
);
const Kpis = Type.Object({
  id: Type.String(),
  contactRate: Rate,
  promiseRate: Rate,
  keptRate: Rate,
  cureRate: Rate,
  collected: ByCurrency,
  complaints: Type.Integer(),
  complianceBlocks: Type.Integer(),
});

const Cell = Type.Object({
  actual: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  attainment: Nullable(Type.Number({ description: 'Capped; null when the KPI is left out' })),
  weight: Type.Number({ description: 'After renormalisation; 0 when left out' }),
  points: Type.Number(),
});

const TargetsBody = Type.Record(Type.String(), Type.Number(), {
  description: `KPI → target: ${KPI_NAMES.join(', ')} (rates as fractions, collected in minor units)`,
});

const Row = Type.Object({
  id: Type.String(),
  name: Type.String(),
  team: Nullable(Type.String()),
  rank: Type.Integer(),
  score: Nullable(Type.Number()),
  grade: Nullable(Type.String()),
  collected: Minor("Collected in the scheme's currency"),
  targets: TargetsBody,
  counts: Counts,
  kpis: Kpis,
  cells: Type.Record(Type.String(), Cell),
});

const Scheme = Type.Object({
  weights: Type.Record(Type.String(), Type.Integer()),
  directions: Type.Record(Type.String(), Type.String({ description: 'higher or lower' })),
  capPercent: Type.Number(),
  bands: Type.Array(Type.Object({ grade: Type.String(), minScore: Type.Number() })),
  fallbackGrade: Type.String(),
  currency: Type.String(),
});

const Report = Type.Object({
  period: Type.String(),
  from: Type.String(),
  to: Type.String(),
  attributionDays: Type.Integer(),
  scheme: Scheme,
  collectors: Type.Array(Row),
  teams: Type.Array(Row),
});

const TargetsDoc = Type.Object({
  period: Type.String(),
  collectors: Type.Record(Type.String(), TargetsBody),
  teams: Type.Record(Type.String(), TargetsBody),
});

const Complaint = Type.Object({
  id: Type.Integer(),
  collector: Type.String(),
  account: Nullable(Type.String()),
  customer: Nullable(Type.String()),
  receivedOn: Type.String(),
  summary: Type.String(),
  breach: Type.Boolean(),
  recordedBy: Type.String(),
  recordedAt: Type.String(),
});

const Rules = Type.Object({
  currency: Type.String(),
  commission: Type.Array(
    Type.Object({
      bucket: Type.String(),
      tiers: Type.Array(
        Type.Object({
          upTo: Nullable(Minor('Upper end of the tier, included; null: and above')),
          rateBp: Type.Integer({ description: 'Basis points (100 = 1 %)' }),
        }),
      ),
    }),
  ),
  bonus: Type.Unknown({
    description:
      'null, { basis: "grade", amounts: { A: minor } } or { basis: "score", steps: [{ minScore, amount }] }',
  }),
  deductions: Type.Object({
    perBreach: Minor('Per compliance breach'),
    capBp: Nullable(Type.Integer({ description: 'At most this share of the gross' })),
  }),
});

const Line = Type.Object({
  kind: Type.String({ description: 'commission, bonus or deduction' }),
  bucket: Nullable(Type.String()),
  tier: Nullable(Type.Object({ from: Type.Integer(), to: Nullable(Type.Integer()) })),
  base: Nullable(Type.Integer()),
  rateBp: Nullable(Type.Integer()),
  amount: Minor('Negative for deductions'),
  reason: Type.String(),
});

const StatementBody = Type.Object({
  collector: Type.String(),
  name: Type.String(),
  team: Nullable(Type.String()),
  period: Type.String(),
  currency: Type.String(),
  lines: Type.Array(Line),
  gross: Type.Integer(),
  deductions: Type.Integer(),
  net: Type.Integer(),
  assessment: Type.Object({
    score: Nullable(Type.Number()),
    grade: Nullable(Type.String()),
    rank: Type.Integer(),
  }),
  collectedByBucket: Type.Record(Type.String(), Type.Integer()),
  breaches: Type.Array(Type.Object({ id: Type.String(), description: Type.String() })),
});

const PeriodQuery = Type.Object({
  period: Type.String({ description: 'The month, YYYY-MM' }),
  collector: Type.Optional(Type.String()),
});

/** The scheme and the rules as plain (mutable) JSON for the response schemas. */
const presentScheme = (x: AssessmentScheme) => ({ ...x, bands: [...x.bands] });
const presentRules = (x: IncentiveRules) => ({
  ...x,
  commission: x.commission.map((c) => ({ bucket: c.bucket, tiers: [...c.tiers] })),
});

/** A collector may read only their own. */
function own(req: FastifyRequest, collector: string): void {
  const actor = actorOf(req);
  if (FRONT_LINE.has(actor.role) && actor.user !== collector)
    throw forbidden('a collector sees only their own statement');
}

export function performanceRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = performanceDeps(p);

    app.get(
      '/performance',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['performance'],
          summary:
            "A month's assessment table: each collector's KPIs from the data, targets, score, grade and rank, and the teams'",
          querystring: Type.Object({
            period: Type.String({ description: 'The month, YYYY-MM' }),
            team: Type.Optional(Type.String({ description: 'Only this team, ranked within it' })),
            collector: Type.Optional(Type.String({ description: 'Only this collector' })),
          }),
          response: { 200: Report, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => {
        const r = await performanceReport(deps, req.query.period, req.query);
        return { ...r, scheme: presentScheme(r.scheme) };
      },
    );

    app.get(
      '/performance/targets',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['performance'],
          summary: "A month's targets by collector and by team",
          querystring: Type.Object({ period: Type.String({ description: 'YYYY-MM' }) }),
          response: { 200: TargetsDoc, 400: ErrorBody },
        },
      },
      async (req) => getTargets(deps, req.query.period),
    );

    app.put(
      '/performance/targets',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['performance'],
          summary:
            "Replace a month's targets: { collectors: { id: { kpi: target } }, teams: { id: { kpi: target } } }",
          querystring: Type.Object({ period: Type.String({ description: 'YYYY-MM' }) }),
          body: Type.Unknown(),
          response: { 200: TargetsDoc, 400: ErrorBody },
        },
      },
      async (req) => setTargets(deps, req.query.period, req.body, actorOf(req).user, p.clock.now()),
    );

    app.get(
      '/performance/scheme',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['performance'],
          summary: 'The assessment scheme: KPI weights and directions, the cap, grade bands',
          response: { 200: Scheme },
        },
      },
      async () => presentScheme(await p.performance.scheme()),
    );

    app.put(
      '/performance/scheme',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['performance'],
          summary: 'Set the assessment scheme',
          body: Type.Unknown(),
          response: { 200: Scheme, 400: ErrorBody },
        },
      },
      async (req) => presentScheme(await setScheme(deps, req.body)),
    );

    app.get(
      '/performance/complaints',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['performance'],
          summary: 'Complaints about collectors received in a month',
          querystring: PeriodQuery,
          response: { 200: Type.Object({ complaints: Type.Array(Complaint) }), 400: ErrorBody },
        },
      },
      async (req) => ({
        complaints: await listComplaints(deps, req.query.period, req.query.collector),
      }),
    );

    app.post(
      '/performance/complaints',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['performance'],
          summary:
            'Record a complaint about a collector (breach: upheld as a breach of the contact rules, deducted from the incentive)',
          body: Type.Object(
            {
              collector: Type.String({ minLength: 1 }),
              account: Type.Optional(Type.String({ minLength: 1 })),
              receivedOn: Type.String({ description: 'YYYY-MM-DD' }),
              summary: Type.String({ minLength: 1, maxLength: 2000 }),
              breach: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
          response: { 201: Complaint, 400: ErrorBody, 404: ErrorBody },
        },
      },
      async (req, reply) =>
        reply
          .code(201)
          .send(await recordComplaint(deps, req.body, actorOf(req).user, p.today(), p.clock.now())),
    );

    app.get(
      '/incentives/rules',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['incentives'],
          summary: 'The incentive rules: commission by bucket in tiers, the bonus, deductions',
          response: { 200: Rules },
        },
      },
      async () => presentRules(await p.performance.rules()),
    );

    app.put(
      '/incentives/rules',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['incentives'],
          summary: 'Set the incentive rules',
          body: Type.Unknown(),
          response: { 200: Rules, 400: ErrorBody },
        },
      },
      async (req) => presentRules(await setRules(deps, req.body)),
    );

    app.get(
      '/incentives/statements',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['incentives'],
          summary: "Every collector's incentive statement for a month",
          querystring: PeriodQuery,
          response: {
            200: Type.Object({
              period: Type.String(),
              currency: Type.String(),
              statements: Type.Array(StatementBody),
            }),
            400: ErrorBody,
            404: ErrorBody,
          },
        },
      },
      async (req) => statements(deps, req.query.period, req.query.collector),
    );

    app.get(
      '/incentives/statements.csv',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['incentives'],
          summary: "The month's statements as CSV, one row per line (amounts in major units)",
          querystring: PeriodQuery,
        },
      },
      async (req, reply) => {
        const csv = await statementsAsCsv(deps, req.query.period, req.query.collector);
        return reply
          .type('text/csv; charset=utf-8')
          .header(
            'content-disposition',
            `attachment; filename="statements-${req.query.period}.csv"`,
          )
          .send(csv);
      },
    );

    app.get(
      '/incentives/statements/:collector',
      {
        config: { roles: PERFORMANCE_READERS },
        schema: {
          tags: ['incentives'],
          summary: "One collector's statement with the lines that make up the amount",
          params: Type.Object({ collector: Type.String() }),
          querystring: Type.Object({ period: Type.String({ description: 'YYYY-MM' }) }),
          response: { 200: StatementBody, 400: ErrorBody, 403: ErrorBody, 404: ErrorBody },
        },
      },
      async (req) => {
        own(req, req.params.collector);
        const r = await statements(deps, req.query.period, req.params.collector);
        return r.statements[0]!;
      },
    );
  };
}
