import type { AuditEntry, AuditRecord } from '../../domain/audit/chain.ts';

export interface AuditFilter {
  entity?: string;
  entityId?: string;
  actor?: string;
  action?: string;
  /** Entries before this sequence number (newest first), for paging back. */
  beforeSeq?: number;
  limit: number;
}

/** The audit log: appended to, never changed. */
export interface AuditLog {
  /** Chain and store the records after the current head, in one transaction. */
  append(records: readonly AuditRecord[]): Promise<AuditEntry[]>;
  /** Entries with seq > afterSeq, oldest first (for verifying). */
  run(afterSeq: number, limit: number): Promise<AuditEntry[]>;
  /** Entries matching the filter, newest first. */
  entries(filter: AuditFilter): Promise<AuditEntry[]>;
  head(): Promise<{ seq: number; hash: string; count: number }>;
}
