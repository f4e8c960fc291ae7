/** Shared JSON schemas (TypeBox) for request and response bodies. */
import { Type, type Static, type TSchema } from 'typebox';

/**
 * A value or null. Primitive types use `type: [T, "null"]` rather than `anyOf`, because Ajv's
 * type coercion would otherwise turn a null into 0 or "" while trying the first branch.
 */
export const Nullable = <T extends TSchema>(t: T) => {
  const type = (t as { type?: unknown }).type;
  return typeof type === 'string' && type !== 'object' && type !== 'array'
    ? Type.Unsafe<Static<T> | null>({ ...t, type: [type, 'null'] })
    : Type.Union([t, Type.Null()]);
};

export const DateString = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'YYYY-MM-DD',
});
export const Amount = Type.String({
  pattern: '^-?\\d+(\\.\\d+)?$',
  description: 'Decimal amount in major units of the currency, e.g. "1234.50"',
});

export const ErrorBody = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Optional(Type.Array(Type.Object({ at: Type.String(), reason: Type.String() }))),
});

export const PageQuery = {
  after: Type.Optional(Type.String({ description: 'Cursor from the previous page' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 50 })),
};

export const Customer = Type.Object({
  id: Type.String(),
  name: Type.String(),
  phone: Nullable(Type.String()),
  email: Nullable(Type.String()),
  address: Nullable(Type.String()),
  latitude: Nullable(Type.String()),
  longitude: Nullable(Type.String()),
  timezone: Type.String(),
  language: Type.String(),
  jurisdiction: Type.String(),
});

export const State = Type.Object({
  asOf: DateString,
  outstanding: Amount,
  arrears: Amount,
  credit: Amount,
  pastDueDays: Type.Integer(),
  delinquentDays: Type.Integer(),
  bucket: Type.String(),
  ageing: Type.Record(Type.String(), Amount),
});

export const AccountSummary = Type.Object({
  id: Type.String(),
  customerId: Type.String(),
  product: Type.String(),
  currency: Type.String(),
  principal: Amount,
  openedOn: DateString,
  graceDays: Nullable(Type.Integer()),
  state: Nullable(State),
});

export const Payment = Type.Object({
  id: Type.String(),
  paidOn: DateString,
  paidAt: Nullable(Type.String()),
  amount: Amount,
  source: Type.String(),
});

export const Hold = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  from: DateString,
  to: Nullable(DateString),
  note: Nullable(Type.String()),
});

export const Parts = Type.Object({ fees: Amount, interest: Amount, principal: Amount });

export const AccountDetail = Type.Object({
  ...AccountSummary.properties,
  timezone: Type.String(),
  live: Type.Object({
    ...State.properties,
    overdueDueDate: Nullable(DateString),
    delinquentDate: Nullable(DateString),
  }),
  instalments: Type.Array(
    Type.Object({
      seq: Type.Integer(),
      dueDate: DateString,
      due: Parts,
      paid: Parts,
      unpaid: Amount,
      fallenDue: Type.Boolean(),
    }),
  ),
  payments: Type.Array(Payment),
  holds: Type.Array(Hold),
  transitions: Type.Array(
    Type.Object({ date: DateString, from: Nullable(Type.String()), to: Type.String() }),
  ),
});
