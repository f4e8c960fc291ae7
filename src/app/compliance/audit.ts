/** The compliance report and the audit of every contact made in a period. */
import { auditCustomer, type Violation } from '../../domain/dispatch/audit.ts';
import type { ComplianceReport, ComplianceStore } from './ports.ts';

export function complianceReport(
  store: ComplianceStore,
  from: Date,
  to: Date,
): Promise<ComplianceReport> {
  return store.report(from, to);
}

export interface AuditResult {
  from: string;
  to: string;
  customers: number;
  contacts: number;
  violations: Violation[];
}

export async function auditContacts(
  store: ComplianceStore,
  from: Date,
  to: Date,
): Promise<AuditResult> {
  const res: AuditResult = {
    from: from.toISOString(),
    to: to.toISOString(),
    customers: 0,
    contacts: 0,
    violations: [],
  };
  for (let after = 0; ;) {
    const page = await store.auditPage(from, to, after, 2_000);
    if (page.length === 0) break;
    after = page[page.length - 1]!.base.customerId;
    for (const c of page) {
      res.customers++;
      res.contacts += c.attempts.filter(
        (a) => a.direction === 'outbound' && a.ts >= res.from && a.ts < res.to,
      ).length;
      res.violations.push(...auditCustomer(c, res.from, res.to));
    }
  }
  return res;
}
