import { validatePolicy, type LedgerPolicy } from '../../domain/ledger/policy.ts';
import { invalid } from '../shared/errors.ts';
import type { PolicyStore } from './ports.ts';

/** Validates and stores a new ledger policy (waterfall, tolerance, grace, buckets per product). */
export async function updateLedgerPolicy(store: PolicyStore, policy: LedgerPolicy): Promise<void> {
  const errors = validatePolicy(policy);
  if (errors.length > 0) {
    throw invalid(
      'the ledger policy is not valid',
      errors.map((e) => {
        const i = e.indexOf(': ');
        return { at: e.slice(0, i), reason: e.slice(i + 2) };
      }),
    );
  }
  await store.saveLedgerPolicy(policy);
}
