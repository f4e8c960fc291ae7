/** Table types for Kysely, matching migrations/*.sql. */
import type { Generated } from 'kysely';

export interface CustomersTable {
  id: Generated<number>;
  external_id: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
  timezone: string;
  language: string;
  jurisdiction: string;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface AccountsTable {
  id: Generated<number>;
  external_id: string;
  customer_id: number;
  product: string;
  currency: string;
  principal: number;
  opened_on: string;
  grace_days: number | null;
  created_at: Generated<string>;
  updated_at: Generated<string>;
}

export interface InstalmentsTable {
  account_id: number;
  seq: number;
  due_date: string;
  principal_due: number;
  interest_due: number;
  fees_due: number;
}

export interface PaymentsTable {
  id: Generated<number>;
  external_id: string;
  account_id: number;
  paid_on: string;
  paid_at: string | null;
  amount: number;
  source: Generated<string>;
  created_at: Generated<string>;
}

export interface HoldsTable {
  id: Generated<number>;
  account_id: number;
  kind: string;
  from_date: string;
  to_date: string | null;
  note: string | null;
  created_at: Generated<string>;
}

export interface SettingsTable {
  key: string;
  value: unknown;
  updated_at: Generated<string>;
}

export interface AccountStatesTable {
  account_id: number;
  outstanding: number;
  arrears: number;
  credit: number;
  overdue_due_date: string | null;
  delinquent_date: string | null;
  past_due_days: number;
  delinquent_days: number;
  bucket: string;
  ageing: Record<string, number>;
  next_due_date: string | null;
  last_paid_on: string | null;
  on_hold: boolean;
}

export interface BucketTransitionsTable {
  account_id: number;
  on_date: string;
  from_bucket: string | null;
  to_bucket: string;
}

export interface PortfolioSnapshotsTable {
  as_of: string;
  product: string;
  currency: string;
  bucket: string;
  accounts: number;
  outstanding: number;
  arrears: number;
}

export interface CycleRunsTable {
  as_of: string;
  accounts: number;
  transitions: number;
  started_at: string;
  finished_at: string;
  duration_ms: number;
}

export interface Schema {
  customers: CustomersTable;
  accounts: AccountsTable;
  instalments: InstalmentsTable;
  payments: PaymentsTable;
  holds: HoldsTable;
  settings: SettingsTable;
  account_states: AccountStatesTable;
  bucket_transitions: BucketTransitionsTable;
  portfolio_snapshots: PortfolioSnapshotsTable;
  cycle_runs: CycleRunsTable;
}
