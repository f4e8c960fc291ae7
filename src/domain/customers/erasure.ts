/**
 * Erasing a customer's personal data on request: what an erasure's reason must be, what
 * replaces the personal text that stays in a row, and what the audit log records of it (who,
 * when, which customer, why; never the data). The ledger's rows stay; the storage adapter says
 * which columns of which tables are replaced or deleted.
 */
import type { AuditRecord } from '../audit/chain.ts';
import type { Actor, Role } from '../access/roles.ts';

/** What stands in for personal text that cannot be null (a name, an SMS's text). */
export const ERASED = '[erased]';

/** Only administrators erase (the command line acts as one). */
export const mayErase = (role: Role): boolean => role === 'administrator';

/** The reason is required: a non-empty text of at most 500 characters. */
export function checkErasureReason(reason: unknown): { at: string; reason: string }[] {
  if (typeof reason !== 'string' || reason.trim() === '')
    return [{ at: 'reason', reason: 'is required: why the personal data is erased' }];
  if (reason.trim().length > 500)
    return [{ at: 'reason', reason: 'must be at most 500 characters' }];
  return [];
}

/** A recorded erasure: the lender's customer id, when, by whom, why. */
export interface Erasure {
  customer: string;
  at: string;
  by: string;
  role: string;
  reason: string;
}

/**
 * The audit log's entry of an erasure, or of its repetition after a restore: who, when, which
 * customer (the lender's id), the reason and how many rows changed; no personal data.
 */
export function erasureAudit(
  e: Pick<Erasure, 'customer' | 'reason'>,
  actor: Actor,
  at: Date,
  repeated: boolean,
  rowsChanged: number,
): AuditRecord {
  return {
    at,
    actor: actor.user,
    role: actor.role,
    action: repeated ? 'customer.erase.reapply' : 'customer.erase',
    entity: 'customer',
    entityId: e.customer,
    before: null,
    after: { reason: e.reason, rowsChanged },
  };
}
