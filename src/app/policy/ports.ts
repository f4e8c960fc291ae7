import type { LedgerPolicy } from '../../domain/ledger/policy.ts';

export interface PolicyStore {
  /** The stored ledger policy, or the default when none was stored. */
  ledgerPolicy(): Promise<LedgerPolicy>;
  saveLedgerPolicy(policy: LedgerPolicy): Promise<void>;
}
