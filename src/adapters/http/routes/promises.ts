/**
 * Promises to pay over HTTP: an account's promises and a new one, the list across the
 * portfolio, cancelling, the promise and kept rates, and the policy.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  cancelPromise,
  listPromises,
  makePromise,
  promiseRates,
  setPromisePolicy,
} from '../../../app/promises/promises.ts';
import { PROMISE_CHANNELS, PROMISE_STATUSES } from '../../../domain/promises/promise.ts';
import type { Platform } from '../../platform.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { AGENTS, READERS, STRATEGY } from '../guard.ts';

const PromiseBody = Type.Object({
  id: Type.Integer(),
  account: Type.String(),
  amountMinor: Type.Integer({ description: 'In minor units of the currency' }),
  currency: Type.String(),
  promisedFor: Type.String(),
  madeOn: Type.String(),
  madeAt: Type.String(),
  graceDays: Type.Integer(),
  toleranceMinor: Type.Integer(),
  channel: Type.String(),
  madeBy: Type.String(),
  segmentId: Nullable(Type.String()),
  status: Type.String({ description: PROMISE_STATUSES.join(', ') }),
  paidMinor: Type.Integer(),
  resolvedOn: Nullable(Type.String()),
  late: Type.Boolean(),
  cancelledBy: Nullable(Type.String()),
  cancelReason: Nullable(Type.String()),
  requestKey: Nullable(Type.String()),
  notes: Nullable(Type.String()),
});

const Policy = Type.Object({
  graceDays: Type.Integer({ description: 'Days after the promised date a payment still counts' }),
  tolerancePercent: Type.Integer({ description: 'How much less than promised still keeps it' }),
  maxDaysAhead: Type.Integer({ description: 'How far ahead a promised date may be' }),
});

const Rates = Type.Object({
  made: Type.Integer(),
  open: Type.Integer(),
  kept: Type.Integer(),
  keptLate: Type.Integer(),
  partiallyKept: Type.Integer(),
  broken: Type.Integer(),
  cancelled: Type.Integer(),
  keptRate: Nullable(Type.Number()),
  promisedMinor: Type.Integer(),
  paidMinor: Type.Integer(),
});

export function promiseRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = { promises: p.promises, clock: p.clock };

    app.post(
      '/accounts/:id/promises',
      {
        config: { roles: AGENTS },
        schema: {
          tags: ['promises'],
          summary: 'Record a promise to pay (the treatment path waits until its date and grace)',
          params: Type.Object({ id: Type.String({ description: 'The account id' }) }),
          headers: Type.Object({
            'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
          }),
          body: Type.Object(
            {
              amount: Type.String({ description: 'In the account currency, e.g. "120.50"' }),
              promisedFor: Type.String({ description: 'YYYY-MM-DD' }),
              channel: Type.Optional(Type.String({ description: PROMISE_CHANNELS.join(', ') })),
              by: Type.String({ minLength: 1, description: 'Who took the promise' }),
              notes: Type.Optional(Type.String({ maxLength: 4000 })),
            },
            { additionalProperties: false },
          ),
          response: {
            200: PromiseBody,
            201: PromiseBody,
            400: ErrorBody,
            404: ErrorBody,
            409: ErrorBody,
          },
        },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const r = await makePromise(deps, req.params.id, {
          ...req.body,
          ...(key ? { requestKey: key } : {}),
        });
        return reply.code(r.created ? 201 : 200).send(r.promise);
      },
    );

    app.get(
      '/accounts/:id/promises',
      {
        config: { roles: READERS },
        schema: {
          tags: ['promises'],
          summary: "An account's promises, newest first",
          params: Type.Object({ id: Type.String() }),
          response: { 200: Type.Object({ promises: Type.Array(PromiseBody) }) },
        },
      },
      async (req) => ({
        promises: await listPromises(deps, { account: req.params.id, limit: 1000 }),
      }),
    );

    app.get(
      '/promises',
      {
        config: { roles: READERS },
        schema: {
          tags: ['promises'],
          summary: 'Promises across the portfolio, newest first (page with `before`)',
          querystring: Type.Object({
            status: Type.Optional(Type.String()),
            madeBy: Type.Optional(Type.String()),
            from: Type.Optional(Type.String({ description: 'Made on or after' })),
            to: Type.Optional(Type.String({ description: 'Made on or before' })),
            before: Type.Optional(Type.Integer({ description: 'Ids below this one' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          }),
          response: { 200: Type.Object({ promises: Type.Array(PromiseBody) }), 400: ErrorBody },
        },
      },
      async (req) => ({ promises: await listPromises(deps, req.query) }),
    );

    app.post(
      '/promises/:id/cancel',
      {
        config: { roles: AGENTS },
        schema: {
          tags: ['promises'],
          summary: 'Cancel an open promise',
          params: Type.Object({ id: Type.Integer() }),
          body: Type.Object(
            { by: Type.String({ minLength: 1 }), reason: Type.String({ minLength: 1 }) },
            { additionalProperties: false },
          ),
          response: { 200: PromiseBody, 400: ErrorBody, 404: ErrorBody, 409: ErrorBody },
        },
      },
      async (req) => cancelPromise(deps, req.params.id, req.body.by, req.body.reason),
    );

    app.get(
      '/promises/rates',
      {
        config: { roles: READERS },
        schema: {
          tags: ['promises'],
          summary:
            'Promise and kept rates of the promises made in a period, per collector or segment',
          querystring: Type.Object({
            from: Type.String(),
            to: Type.String(),
            by: Type.Optional(Type.Union([Type.Literal('collector'), Type.Literal('segment')])),
          }),
          response: {
            200: Type.Object({
              groups: Type.Array(
                Type.Object({ key: Type.String(), currency: Type.String(), rates: Rates }),
              ),
            }),
            400: ErrorBody,
          },
        },
      },
      async (req) => ({
        groups: await promiseRates(deps, req.query.from, req.query.to, req.query.by ?? 'collector'),
      }),
    );

    app.get(
      '/promises/policy',
      {
        config: { roles: READERS },
        schema: {
          tags: ['promises'],
          summary: 'The promise policy in force',
          response: { 200: Policy },
        },
      },
      async () => p.promises.policy(),
    );

    app.put(
      '/promises/policy',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['promises'],
          summary: 'Set the promise policy (for promises made from now on)',
          body: Type.Unknown(),
          response: { 200: Policy, 400: ErrorBody },
        },
      },
      async (req) => setPromisePolicy(deps, req.body),
    );
  };
}
