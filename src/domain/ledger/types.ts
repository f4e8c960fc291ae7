/** The ledger: what a customer owes on an account, what was paid, and what pauses the clock. */
import type { LocalDate } from '../time/date.ts';

export const PRODUCTS = ['loan', 'card', 'bnpl', 'invoice'] as const;
export type Product = (typeof PRODUCTS)[number];

export const HOLD_KINDS = ['hardship', 'dispute', 'bankruptcy', 'deceased', 'other'] as const;
export type HoldKind = (typeof HOLD_KINDS)[number];

/** The parts of an instalment, in the order a payment may settle them. */
export const COMPONENTS = ['fees', 'interest', 'principal'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Amounts are integers in the account currency's minor units. */
export interface Instalment {
  seq: number;
  dueDate: LocalDate;
  principal: number;
  interest: number;
  fees: number;
}

export interface Payment {
  id: string;
  /** The payment's date in the account's time zone. */
  paidOn: LocalDate;
  amount: number;
}

/** A hold from `from` to `to` covers the days in (from, to]; an open hold (`to` null) every day after `from`. */
export interface Hold {
  kind: HoldKind;
  from: LocalDate;
  to: LocalDate | null;
}

export interface AccountLedger {
  product: Product;
  currency: string;
  /** Account-level grace days; null takes the product's. */
  graceDays: number | null;
  instalments: readonly Instalment[];
  payments: readonly Payment[];
  holds: readonly Hold[];
}

export function instalmentTotal(i: Instalment): number {
  return i.principal + i.interest + i.fees;
}
