/**
 * Monitoring over HTTP: roll rates, cures, recovery curves, the channel funnel, strategies and
 * experiment arms, compliance blocks, today's summary and its live stream (server-sent
 * events), alert rules and alerts, and the costs per message. docs/monitoring.md defines each
 * number and shows the shapes.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  acknowledgeAlert,
  addAlertRule,
  channelReport,
  complianceBlocks,
  cures,
  listAlerts,
  recovery,
  removeAlertRule,
  rollRates,
  setChannelCosts,
  strategyReport,
  summary,
  type MonitoringDeps,
} from '../../../app/monitoring/monitoring.ts';
import { COMPARATORS, METRICS } from '../../../domain/monitoring/alerts.ts';
import type { Platform } from '../../platform.ts';
import { ADMIN, MANAGERS, READERS } from '../guard.ts';
import { LiveMonitor, type LiveEvent } from '../monitoring-live.ts';
import { ErrorBody, Nullable } from '../schemas.ts';

const Rule = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  metric: Type.String({ description: METRICS.join(', ') }),
  scope: Type.Object({
    product: Type.Optional(Type.String()),
    from: Type.Optional(Type.String()),
    to: Type.Optional(Type.String()),
    bucket: Type.Optional(Type.String()),
    channel: Type.Optional(Type.String()),
  }),
  comparator: Type.String({ description: COMPARATORS.join(' ') }),
  threshold: Type.Number({ description: 'A fraction for rates (0.2 is 20 %), a count otherwise' }),
  minBase: Type.Integer(),
  createdBy: Type.String(),
  createdAt: Type.String(),
});

const Alert = Type.Object({
  id: Type.Integer(),
  ruleId: Type.Integer(),
  ruleName: Type.String(),
  metric: Type.String(),
  comparator: Type.String(),
  threshold: Type.Number(),
  day: Type.String(),
  value: Type.Number(),
  base: Type.Integer(),
  message: Type.String(),
  firedAt: Type.String(),
  acknowledgedBy: Nullable(Type.String()),
  acknowledgedAt: Nullable(Type.String()),
});

const Costs = Type.Object({
  perMessage: Type.Record(Type.String(), Type.Record(Type.String(), Type.Integer()), {
    description: 'Per currency, per channel (sms, email, letter, phone, field_visit): minor units',
  }),
});

const Range = Type.Object({
  from: Type.Optional(Type.String({ description: 'YYYY-MM-DD (default: 30 days before to)' })),
  to: Type.Optional(Type.String({ description: 'YYYY-MM-DD (default: today)' })),
});

/** The reports' shapes are in docs/monitoring.md (JSON as the use cases return it). */
const Report = Type.Unknown({ description: 'See docs/monitoring.md' });

const sse = (e: LiveEvent) => `event: ${e.type}\ndata: ${JSON.stringify(e.data)}\n\n`;

export interface MonitoringRouteOptions {
  /** How often the live stream looks for changes (default 3 s). */
  pollMs?: number;
  /** How often the live stream sends a heartbeat comment (default 15 s). */
  heartbeatMs?: number;
}

export function monitoringDeps(p: Platform): MonitoringDeps {
  return { monitoring: p.monitoring, policies: p.policies, clock: p.clock, timezone: p.timezone };
}

export function monitoringRoutes(
  p: Platform,
  options: MonitoringRouteOptions = {},
): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = monitoringDeps(p);
    const live = new LiveMonitor(deps, options.pollMs ?? 3000, (e) =>
      app.log.error({ err: e }, 'live monitoring failed'),
    );
    const streams = new Set<() => void>();
    app.addHook('onClose', async () => {
      for (const end of [...streams]) end();
      live.stop();
      await live.settled();
    });

    app.get(
      '/monitoring/roll-rates',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Roll-rate matrices, month-end to month-end, and the month to date',
          querystring: Type.Object({
            months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
            product: Type.Optional(Type.String({ description: 'loan, card, bnpl, invoice' })),
          }),
          response: { 200: Report, 400: ErrorBody },
        },
      },
      async (req) => rollRates(deps, req.query),
    );

    app.get(
      '/monitoring/cures',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Cure rates per delinquent bucket, month-end to month-end',
          querystring: Type.Object({
            months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
            product: Type.Optional(Type.String()),
          }),
          response: { 200: Report, 400: ErrorBody },
        },
      },
      async (req) => cures(deps, req.query),
    );

    app.get(
      '/monitoring/recovery',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Recovery curves of the monthly cohorts of entries into delinquency',
          querystring: Type.Object({
            cohorts: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 6 })),
          }),
          response: { 200: Report, 400: ErrorBody },
        },
      },
      async (req) => recovery(deps, req.query),
    );

    app.get(
      '/monitoring/channels',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'The funnel of each channel: sent, delivered, reached, promised, paid, cost',
          querystring: Type.Object({
            ...Range.properties,
            window: Type.Optional(
              Type.Integer({
                description: 'Days a promise or payment is credited to a contact (7)',
              }),
            ),
          }),
          response: { 200: Report, 400: ErrorBody },
        },
      },
      async (req) => channelReport(deps, req.query),
    );

    app.get(
      '/monitoring/strategies',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Strategy versions and experiment arms: cure and roll rates with intervals',
          querystring: Type.Object({
            months: Type.Optional(Type.Integer({ minimum: 1, maximum: 24, default: 3 })),
            confidence: Type.Optional(Type.Number({ description: 'Default 0.95' })),
          }),
          response: { 200: Report, 400: ErrorBody },
        },
      },
      async (req) => strategyReport(deps, req.query),
    );

    app.get(
      '/monitoring/compliance-blocks',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Contacts refused by the contact rules, by rule, channel and day',
          querystring: Range,
          response: { 200: Report, 400: ErrorBody },
        },
      },
      async (req) => complianceBlocks(deps, req.query),
    );

    app.get(
      '/monitoring/summary',
      {
        config: { roles: READERS },
        schema: { tags: ['monitoring'], summary: 'The headline numbers of today' },
      },
      async () => summary(deps),
    );

    app.get(
      '/monitoring/live',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary:
            'Server-sent events: `summary` at once and whenever it changes, `alert` when a rule fires',
        },
      },
      async (req, reply) => {
        reply.hijack();
        const res = reply.raw;
        res.writeHead(200, {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-cache, no-transform',
          connection: 'keep-alive',
          'x-accel-buffering': 'no',
        });
        res.write(`retry: 5000\n\n`);
        let unsubscribe: (() => void) | null = null;
        let closed = false;
        const heartbeat = setInterval(
          () => res.write(`: heartbeat ${new Date().toISOString()}\n\n`),
          options.heartbeatMs ?? 15_000,
        );
        const end = () => {
          if (closed) return;
          closed = true;
          clearInterval(heartbeat);
          unsubscribe?.();
          streams.delete(end);
          res.end();
        };
        streams.add(end);
        req.raw.on('close', end);
        try {
          const off = await live.subscribe((e) => {
            if (!closed) res.write(sse(e));
          });
          if (closed) off();
          else unsubscribe = off;
        } catch (e) {
          req.log.error({ err: e }, 'live monitoring failed');
          end();
        }
      },
    );

    app.get(
      '/monitoring/alert-rules',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'The alert rules in force',
          response: { 200: Type.Object({ rules: Type.Array(Rule) }) },
        },
      },
      async () => ({ rules: await p.monitoring.rules() }),
    );

    app.post(
      '/monitoring/alert-rules',
      {
        config: { roles: MANAGERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Add an alert rule (e.g. M1→M2 roll rate above 0.2)',
          body: Type.Object(
            {
              name: Type.String({ minLength: 1, maxLength: 200 }),
              metric: Type.String({ description: METRICS.join(', ') }),
              scope: Type.Optional(Type.Record(Type.String(), Type.String())),
              comparator: Type.String({ description: COMPARATORS.join(' ') }),
              threshold: Type.Number(),
              minBase: Type.Optional(Type.Integer()),
            },
            { additionalProperties: false },
          ),
          response: { 201: Rule, 400: ErrorBody },
        },
      },
      async (req, reply) => {
        const rule = await addAlertRule(deps, req.body, req.actor!.user);
        return reply.code(201).send(rule!);
      },
    );

    app.delete(
      '/monitoring/alert-rules/:id',
      {
        config: { roles: MANAGERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Remove an alert rule (its alerts stay)',
          params: Type.Object({ id: Type.Integer() }),
          response: { 204: Type.Null(), 404: ErrorBody },
        },
      },
      async (req, reply) => {
        await removeAlertRule(deps, req.params.id, req.actor!.user);
        return reply.code(204).send(null);
      },
    );

    app.get(
      '/monitoring/alerts',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Alerts fired, newest first',
          querystring: Type.Object({
            ...Range.properties,
            unacknowledged: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          }),
          response: { 200: Type.Object({ alerts: Type.Array(Alert) }), 400: ErrorBody },
        },
      },
      async (req) => ({ alerts: await listAlerts(deps, req.query) }),
    );

    app.post(
      '/monitoring/alerts/:id/acknowledge',
      {
        config: { roles: MANAGERS },
        schema: {
          tags: ['monitoring'],
          summary: 'Acknowledge an alert (once: again gives it as it stands)',
          params: Type.Object({ id: Type.Integer() }),
          response: { 200: Alert, 404: ErrorBody },
        },
      },
      async (req) => acknowledgeAlert(deps, req.params.id, req.actor!.user),
    );

    app.get(
      '/monitoring/channel-costs',
      {
        config: { roles: READERS },
        schema: {
          tags: ['monitoring'],
          summary: 'The cost of a message, call attempt or visit per currency and channel',
          response: { 200: Costs },
        },
      },
      async () => p.monitoring.channelCosts(),
    );

    app.put(
      '/monitoring/channel-costs',
      {
        config: { roles: ADMIN },
        schema: {
          tags: ['monitoring'],
          summary: 'Replace the costs per message',
          body: Type.Unknown(),
          response: { 200: Costs, 400: ErrorBody },
        },
      },
      async (req) => setChannelCosts(deps, req.body),
    );
  };
}
