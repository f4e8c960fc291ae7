/** The morning overview over HTTP: one request for the console's first screen. */
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { overview } from '../../../app/overview/overview.ts';
import { formatMinor } from '../../../domain/money/currency.ts';
import type { Platform } from '../../platform.ts';
import { SqlOverviewReader } from '../../storage/overview-store.ts';
import { Amount, DateString, Nullable } from '../schemas.ts';
import { READERS } from '../guard.ts';

const Figures = {
  currency: Type.String(),
  accounts: Type.Integer(),
  outstanding: Amount,
  arrears: Amount,
};
const Counted = (key: string) =>
  Type.Array(
    Type.Object({
      [key]: Type.String(),
      currency: Type.String(),
      count: Type.Integer(),
      amount: Amount,
    }),
  );

export function overviewRoutes(p: Platform): FastifyPluginAsync {
  return async (app0) => {
    const app = app0.withTypeProvider<TypeBoxTypeProvider>();
    const reader = new SqlOverviewReader(p.db);
    app.get(
      '/overview',
      {
        config: { roles: READERS },
        schema: {
          tags: ['portfolio'],
          summary:
            'The portfolio by bucket and product on the last cycled day, its daily trend, and the day’s actions and results',
          querystring: Type.Object({
            days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 90 })),
          }),
          response: {
            200: Type.Object({
              asOf: Nullable(DateString),
              today: DateString,
              byBucket: Type.Array(Type.Object({ bucket: Type.String(), ...Figures })),
              byProduct: Type.Array(
                Type.Object({ product: Type.String(), delinquent: Type.Integer(), ...Figures }),
              ),
              trend: Type.Array(
                Type.Object({ asOf: DateString, delinquent: Type.Integer(), ...Figures }),
              ),
              work: Type.Object({
                actions: Type.Array(
                  Type.Object({
                    channel: Type.String(),
                    status: Type.String(),
                    count: Type.Integer(),
                  }),
                ),
                dispatches: Type.Array(
                  Type.Object({
                    channel: Type.String(),
                    state: Type.String(),
                    count: Type.Integer(),
                  }),
                ),
                payments: Counted('kind'),
                promises: Counted('kind'),
                outcomes: Type.Array(
                  Type.Object({
                    kind: Type.String(),
                    outcome: Type.String(),
                    count: Type.Integer(),
                  }),
                ),
              }),
            }),
          },
        },
      },
      async (req) => {
        const o = await overview(reader, p.today(), req.query.days ?? 90);
        const money = <T extends { currency: string; outstanding: number; arrears: number }>(
          r: T,
        ) => ({
          ...r,
          outstanding: formatMinor(r.outstanding, r.currency),
          arrears: formatMinor(r.arrears, r.currency),
        });
        const paid =
          (kind: string) => (r: { currency: string; count: number; amount: number }) => ({
            kind,
            currency: r.currency,
            count: r.count,
            amount: formatMinor(r.amount, r.currency),
          });
        return {
          asOf: o.asOf,
          today: o.today,
          byBucket: o.byBucket.map(money),
          byProduct: o.byProduct.map(money),
          trend: o.trend.map(money),
          work: {
            ...o.work,
            payments: o.work.payments.map(paid('payment')),
            promises: o.work.promises.map(paid('promise')),
          },
        };
      },
    );
  };
}
