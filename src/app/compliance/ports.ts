import type { AuditCustomer } from '../../domain/dispatch/audit.ts';

export interface ComplianceReport {
  from: string;
  to: string;
  /** Outbound contacts by channel and the customer's local hour. */
  contactsByHour: { channel: string; hour: number; contacts: number }[];
  /** Denied decisions by rule and stage. */
  blocksByRule: { rule: string; stage: string; decisions: number }[];
  decisions: { allowed: number; denied: number };
  dispatches: Record<string, Record<string, number>>;
}

export interface ComplianceStore {
  report(from: Date, to: Date): Promise<ComplianceReport>;
  /** Customers with outbound contacts in [from, to), in pages by customer id. */
  auditPage(from: Date, to: Date, afterCustomer: number, limit: number): Promise<AuditCustomer[]>;
}
