/**
 * Repayment plans over HTTP: the what-if, proposing one on an account, an account's plans and
 * the list across the portfolio, approving, rejecting and cancelling, a plan's events, and the
 * policy. The actor (who, in which role) comes from the request (actorOf).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  approvePlan,
  cancelPlan,
  listPlans,
  planEvents,
  previewPlan,
  proposePlan,
  rejectPlan,
  setPlanPolicy,
} from '../../../app/plans/plans.ts';
import { PLAN_KINDS, PLAN_SCOPES, PLAN_STATUSES } from '../../../domain/plans/plan.ts';
import { FREQUENCIES } from '../../../domain/plans/schedule.ts';
import { planDeps, type Platform } from '../../platform.ts';
import { actorOf } from '../actor.ts';
import { ErrorBody, Nullable } from '../schemas.ts';
import { AGENTS, READERS, STRATEGY, SUPERVISORS } from '../guard.ts';

const Issue = Type.Object({ at: Type.String(), reason: Type.String() });
const Payment = Type.Object({
  seq: Type.Integer(),
  dueDate: Type.String(),
  amountMinor: Type.Integer({ description: 'In minor units of the currency' }),
});
const Row = Type.Object({
  seq: Type.Integer(),
  dueDate: Type.String(),
  principal: Type.Integer(),
  interest: Type.Integer(),
  fees: Type.Integer(),
});

const PlanBody = Type.Object({
  id: Type.Integer(),
  account: Type.String(),
  kind: Type.String({ description: PLAN_KINDS.join(', ') }),
  status: Type.String({ description: PLAN_STATUSES.join(', ') }),
  terms: Type.Unknown({ description: 'The terms as agreed, amounts in minor units' }),
  currency: Type.String(),
  coveredMinor: Type.Integer({ description: 'What the plan re-schedules' }),
  payMinor: Type.Integer({ description: 'What the customer pays under it' }),
  writeOffMinor: Type.Integer({ description: "Written off when a settlement's payments are made" }),
  waivedInterestMinor: Type.Integer(),
  feeMinor: Type.Integer(),
  termDays: Type.Integer(),
  payments: Type.Array(Payment),
  paidCount: Type.Integer(),
  missedDueDate: Nullable(Type.String()),
  beyond: Type.Array(Issue, { description: 'The limits it went beyond when proposed' }),
  proposedOn: Type.String(),
  proposedBy: Type.String(),
  proposedRole: Type.String(),
  decidedBy: Nullable(Type.String()),
  decidedRole: Nullable(Type.String()),
  decisionNote: Nullable(Type.String()),
  startedOn: Nullable(Type.String()),
  endedOn: Nullable(Type.String()),
  graceDays: Type.Integer(),
  onBreak: Type.String(),
  requestKey: Nullable(Type.String()),
  notes: Nullable(Type.String()),
});

const Preview = Type.Object({
  kind: Type.String(),
  currency: Type.String(),
  coveredMinor: Type.Integer(),
  payMinor: Type.Integer(),
  writeOffMinor: Type.Integer(),
  discountPercent: Type.Number(),
  waivedInterestMinor: Type.Integer(),
  feeMinor: Type.Integer(),
  termDays: Type.Integer(),
  payments: Type.Array(Payment),
  status: Type.String({ description: 'active at once, or pending a supervisor' }),
  beyond: Type.Array(Issue),
  supersedes: Type.Array(Row, { description: 'The rows of the schedule it would replace' }),
  adds: Type.Array(Row, { description: 'The rows it would add' }),
});

const Terms = Type.Object(
  {
    kind: Type.String({ description: PLAN_KINDS.join(', ') }),
    scope: Type.Optional(Type.String({ description: `instalment: ${PLAN_SCOPES.join(', ')}` })),
    count: Type.Optional(
      Type.Integer({ description: 'Number of payments (hardship: the period)' }),
    ),
    frequency: Type.Optional(Type.String({ description: FREQUENCIES.join(', ') })),
    start: Type.Optional(Type.String({ description: 'YYYY-MM-DD, the first payment' })),
    downPayment: Type.Optional(Type.String({ description: 'instalment, e.g. "50.00"' })),
    discountPercent: Type.Optional(Type.Number({ description: 'settlement: the share forgiven' })),
    from: Type.Optional(Type.String({ description: 'deferral: instalments due from this day' })),
    days: Type.Optional(Type.Integer({ description: 'deferral: moved by this many days' })),
    fee: Type.Optional(Type.String({ description: 'deferral: the fee, e.g. "15.00"' })),
    payment: Type.Optional(Type.String({ description: 'hardship: the reduced payment' })),
    thenCount: Type.Optional(Type.Integer({ description: 'hardship: payments after the period' })),
    notes: Type.Optional(Type.String({ maxLength: 4000 })),
  },
  { additionalProperties: false },
);

const Reason = Type.Object(
  { reason: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);

const Policy = Type.Object({
  graceDays: Type.Integer(),
  tolerancePercent: Type.Integer(),
  onBreak: Type.String(),
  limits: Type.Unknown({ description: 'By role: maxDiscountPercent, maxTermDays, …' }),
});

const Errors = { 400: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function planRoutes(p: Platform, o: { companyName: string }): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = planDeps(p, o.companyName);
    const AccountParams = Type.Object({ id: Type.String({ description: 'The account id' }) });
    const PlanParams = Type.Object({ id: Type.Integer() });

    app.post(
      '/accounts/:id/plans/preview',
      {
        config: { roles: AGENTS, audit: false },
        schema: {
          tags: ['plans'],
          summary: 'What-if: the schedule and the amounts of a plan (nothing is stored)',
          params: AccountParams,
          body: Terms,
          response: { 200: Preview, ...Errors },
        },
      },
      async (req) => previewPlan(deps, req.params.id, req.body, actorOf(req)),
    );

    app.post(
      '/accounts/:id/plans',
      {
        config: { roles: AGENTS },
        schema: {
          tags: ['plans'],
          summary:
            'Propose a plan: active at once within the limits of the role, waiting for a supervisor above them',
          params: AccountParams,
          headers: Type.Object({
            'idempotency-key': Type.Optional(Type.String({ maxLength: 200 })),
          }),
          body: Terms,
          response: { 200: PlanBody, 201: PlanBody, ...Errors },
        },
      },
      async (req, reply) => {
        const key = req.headers['idempotency-key'];
        const r = await proposePlan(
          deps,
          req.params.id,
          { ...req.body, ...(key ? { requestKey: key } : {}) },
          actorOf(req),
        );
        return reply.code(r.created ? 201 : 200).send(r.plan);
      },
    );

    app.get(
      '/accounts/:id/plans',
      {
        config: { roles: READERS },
        schema: {
          tags: ['plans'],
          summary: "An account's plans, newest first",
          params: AccountParams,
          response: { 200: Type.Object({ plans: Type.Array(PlanBody) }) },
        },
      },
      async (req) => ({ plans: await listPlans(deps, { account: req.params.id, limit: 1000 }) }),
    );

    app.get(
      '/plans',
      {
        config: { roles: READERS },
        schema: {
          tags: ['plans'],
          summary: 'Plans across the portfolio, newest first (page with `before`)',
          querystring: Type.Object({
            status: Type.Optional(Type.String({ description: PLAN_STATUSES.join(', ') })),
            before: Type.Optional(Type.Integer({ description: 'Ids below this one' })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          }),
          response: { 200: Type.Object({ plans: Type.Array(PlanBody) }), 400: ErrorBody },
        },
      },
      async (req) => ({ plans: await listPlans(deps, req.query) }),
    );

    app.get(
      '/plans/policy',
      {
        config: { roles: READERS },
        schema: { tags: ['plans'], summary: 'The plan policy in force', response: { 200: Policy } },
      },
      async () => p.plans.policy(),
    );

    app.put(
      '/plans/policy',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['plans'],
          summary: 'Set the plan policy (an administrator; for plans proposed from now on)',
          body: Type.Unknown(),
          response: { 200: Policy, 400: ErrorBody, 403: ErrorBody },
        },
      },
      async (req) => setPlanPolicy(deps, req.body, actorOf(req)),
    );

    app.post(
      '/plans/:id/approve',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['plans'],
          summary: 'Approve a plan waiting for approval (it starts: the schedule changes)',
          params: PlanParams,
          body: Type.Optional(
            Type.Object(
              { note: Type.Optional(Type.String({ maxLength: 4000 })) },
              { additionalProperties: false },
            ),
          ),
          response: { 200: PlanBody, ...Errors },
        },
      },
      async (req) => approvePlan(deps, req.params.id, actorOf(req), req.body?.note),
    );

    const decisions = [
      ['reject', 'Reject a plan waiting for approval', rejectPlan],
      ['cancel', 'Cancel a plan (an active one: the schedule it replaced is restored)', cancelPlan],
    ] as const;
    for (const [action, summary, decide] of decisions)
      app.post(
        `/plans/:id/${action}`,
        {
          config: { roles: AGENTS },
          schema: {
            tags: ['plans'],
            summary,
            params: PlanParams,
            body: Reason,
            response: { 200: PlanBody, ...Errors },
          },
        },
        async (req) => decide(deps, req.params.id, actorOf(req), req.body.reason),
      );

    app.get(
      '/plans/:id/events',
      {
        config: { roles: READERS },
        schema: {
          tags: ['plans'],
          summary: "A plan's audit trail: proposed, approved, rejected, broken, …",
          params: PlanParams,
          response: {
            200: Type.Object({
              events: Type.Array(
                Type.Object({
                  planId: Type.Integer(),
                  account: Type.String(),
                  at: Type.String(),
                  actor: Type.String(),
                  role: Type.String(),
                  action: Type.String(),
                  detail: Type.Unknown(),
                }),
              ),
            }),
            404: ErrorBody,
          },
        },
      },
      async (req) => ({ events: await planEvents(deps, req.params.id) }),
    );
  };
}
