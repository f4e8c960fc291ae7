import type { PolicyStore } from '../../app/policy/ports.ts';
import { DEFAULT_LEDGER_POLICY, type LedgerPolicy } from '../../domain/ledger/policy.ts';
import type { Database } from './sql-client.ts';

const KEY = 'ledger.policy';

export class SqlPolicyStore implements PolicyStore {
  constructor(private readonly db: Database) {}

  async ledgerPolicy(): Promise<LedgerPolicy> {
    const r = await this.db.query<{ value: LedgerPolicy }>(
      'SELECT value FROM settings WHERE key = $1',
      [KEY],
    );
    return r.rows[0]?.value ?? DEFAULT_LEDGER_POLICY;
  }

  async saveLedgerPolicy(policy: LedgerPolicy): Promise<void> {
    await this.db.query(
      `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [KEY, JSON.stringify(policy)],
    );
  }
}
