/** Customers, accounts, payments and holds. Handlers validate, call the use case, respond. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  accountDetail,
  endHold,
  recordHold,
  recordPayment,
} from '../../../app/ledger/ledger-service.ts';
import { PRODUCTS, HOLD_KINDS } from '../../../domain/ledger/types.ts';
import type { Platform } from '../../platform.ts';
import { presentDetail, presentPayment, presentSummary } from '../present.ts';
import {
  AccountDetail,
  AccountSummary,
  Amount,
  DateString,
  ErrorBody,
  Hold,
  Nullable,
  PageQuery,
  Payment,
} from '../schemas.ts';
import { CONTACT_RULES, OVERSIGHT, READERS, SUPERVISORS } from '../guard.ts';

const errors = { 400: ErrorBody, 404: ErrorBody, 409: ErrorBody };

export function ledgerRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const deps = { ledger: p.ledger, policies: p.policies, clock: p.clock };

    // customers and their files: routes/customers.ts

    app.get(
      '/accounts',
      {
        config: { roles: OVERSIGHT },
        schema: {
          tags: ['accounts'],
          summary: 'Accounts with their state as of the last cycle, filtered and paged',
          querystring: Type.Object({
            bucket: Type.Optional(Type.String()),
            product: Type.Optional(Type.Union(PRODUCTS.map((x) => Type.Literal(x)))),
            ...PageQuery,
          }),
          response: {
            200: Type.Object({ items: Type.Array(AccountSummary), next: Nullable(Type.String()) }),
          },
        },
      },
      async (req) => {
        const { bucket, product, after, limit } = req.query;
        const page = await p.ledger.accounts({ bucket, product }, after, limit ?? 50);
        return { items: page.items.map(presentSummary), next: page.next };
      },
    );

    app.get(
      '/accounts/:accountId',
      {
        config: { roles: READERS },
        schema: {
          tags: ['accounts'],
          summary:
            'An account with its schedule (and what each payment settled), payments, holds, ' +
            'its state as of the last cycle, its live state as of today, and its bucket history',
          params: Type.Object({ accountId: Type.String() }),
          response: { 200: AccountDetail, ...errors },
        },
      },
      async (req) => presentDetail(await accountDetail(deps, req.params.accountId)),
    );

    app.post(
      '/accounts/:accountId/payments',
      {
        config: { roles: SUPERVISORS },
        schema: {
          tags: ['accounts'],
          summary: 'Record a payment; the payment id is the idempotency key',
          params: Type.Object({ accountId: Type.String() }),
          body: Type.Object(
            {
              paymentId: Type.String({ minLength: 1, maxLength: 64 }),
              amount: Amount,
              paidOn: Type.Optional(
                Type.String({
                  description:
                    'YYYY-MM-DD in the account zone, or an ISO instant with offset; default now',
                }),
              ),
            },
            { additionalProperties: false },
          ),
          response: { 200: Payment, 201: Payment, ...errors },
        },
      },
      async (req, reply) => {
        const out = await recordPayment(deps, req.params.accountId, req.body);
        return reply
          .status(out.created ? 201 : 200)
          .send(presentPayment(out.payment, out.currency));
      },
    );

    app.post(
      '/accounts/:accountId/holds',
      {
        config: { roles: CONTACT_RULES },
        schema: {
          tags: ['accounts'],
          summary: 'Place a hold (hardship, dispute, ...): it pauses the delinquency clock',
          params: Type.Object({ accountId: Type.String() }),
          body: Type.Object(
            {
              kind: Type.Union(HOLD_KINDS.map((k) => Type.Literal(k))),
              from: DateString,
              to: Type.Optional(Nullable(DateString)),
              note: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
            },
            { additionalProperties: false },
          ),
          response: { 201: Hold, ...errors },
        },
      },
      async (req, reply) =>
        reply.status(201).send(await recordHold(deps, req.params.accountId, req.body)),
    );

    app.patch(
      '/accounts/:accountId/holds/:holdId',
      {
        config: { roles: [...SUPERVISORS, 'compliance_officer'] },
        schema: {
          tags: ['accounts'],
          summary: 'End a hold on a date',
          params: Type.Object({ accountId: Type.String(), holdId: Type.Integer() }),
          body: Type.Object({ to: DateString }, { additionalProperties: false }),
          response: { 200: Hold, ...errors },
        },
      },
      async (req) => endHold(deps, req.params.accountId, req.params.holdId, req.body.to),
    );
  };
}
