/** The portfolio: daily snapshots, cycle runs and the ledger policy. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { updateLedgerPolicy } from '../../../app/policy/ledger-policy.ts';
import type { LedgerPolicy } from '../../../domain/ledger/policy.ts';
import { addDays } from '../../../domain/time/date.ts';
import type { Platform } from '../../platform.ts';
import { Amount, DateString, ErrorBody, Nullable } from '../schemas.ts';
import { formatMinor } from '../../../domain/money/currency.ts';
import { READERS, STRATEGY } from '../guard.ts';

const Bucket = Type.Object({
  name: Type.String(),
  min: Type.Integer(),
  max: Nullable(Type.Integer()),
});
const ProductPolicy = Type.Object(
  {
    waterfall: Type.Array(
      Type.Union(['fees', 'interest', 'principal'].map((c) => Type.Literal(c))),
    ),
    arrearsTolerance: Type.Integer({ minimum: 0, description: 'minor units' }),
    graceDays: Type.Integer({ minimum: 0 }),
    buckets: Type.Array(Bucket, { minItems: 1 }),
  },
  { additionalProperties: false },
);
const Policy = Type.Object(
  { loan: ProductPolicy, card: ProductPolicy, bnpl: ProductPolicy, invoice: ProductPolicy },
  { additionalProperties: false },
);

/** The stored policy is read-only data of the same shape as the schema. */
const asDocument = (policy: LedgerPolicy) => policy as unknown as Static<typeof Policy>;

export function portfolioRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();

    app.get(
      '/portfolio/snapshots',
      {
        config: { roles: READERS },
        schema: {
          tags: ['portfolio'],
          summary: 'Accounts, outstanding and arrears per day, product, currency and bucket',
          querystring: Type.Object({
            from: Type.Optional(DateString),
            to: Type.Optional(DateString),
          }),
          response: {
            200: Type.Array(
              Type.Object({
                asOf: DateString,
                product: Type.String(),
                currency: Type.String(),
                bucket: Type.String(),
                accounts: Type.Integer(),
                outstanding: Amount,
                arrears: Amount,
              }),
            ),
          },
        },
      },
      async (req) => {
        const last = (await p.cycles.lastCycled()) ?? p.today();
        const to = req.query.to ?? last;
        const from = req.query.from ?? to;
        const rows = await p.ledger.snapshots(
          from,
          to > addDays(from, 366) ? addDays(from, 366) : to,
        );
        return rows.map((r) => ({
          asOf: r.asOf,
          product: r.product,
          currency: r.currency,
          bucket: r.bucket,
          accounts: r.accounts,
          outstanding: formatMinor(r.outstanding, r.currency),
          arrears: formatMinor(r.arrears, r.currency),
        }));
      },
    );

    app.get(
      '/cycles',
      {
        config: { roles: READERS },
        schema: {
          tags: ['portfolio'],
          summary: 'The latest daily cycle runs',
          querystring: Type.Object({
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 366 })),
          }),
        },
      },
      async (req) => p.cycles.runs(req.query.limit ?? 30),
    );

    app.get(
      '/policy',
      {
        config: { roles: READERS },
        schema: {
          tags: ['portfolio'],
          summary: 'The ledger policy per product',
          response: { 200: Policy },
        },
      },
      async () => asDocument(await p.policies.ledgerPolicy()),
    );

    app.put(
      '/policy',
      {
        config: { roles: STRATEGY },
        schema: {
          tags: ['portfolio'],
          summary: 'Replace the ledger policy (waterfall, tolerance, grace, buckets per product)',
          body: Policy,
          response: { 200: Policy, 400: ErrorBody },
        },
      },
      async (req) => {
        await updateLedgerPolicy(p.policies, req.body as LedgerPolicy);
        return asDocument(await p.policies.ledgerPolicy());
      },
    );
  };
}
