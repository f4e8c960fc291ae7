/**
 * `recoup export accounts --as-of D`: every account's delinquency state as of D, with amounts
 * in major units of the account's currency, as JSON or CSV.
 */
import { PRODUCTS } from '../../domain/ledger/types.ts';
import { formatMinor } from '../../domain/money/currency.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { PolicyStore } from '../policy/ports.ts';
import type { AccountStateRow, StateExporter } from './ports.ts';

export type ExportFormat = 'json' | 'csv';

export interface TextSink {
  write(text: string): Promise<void>;
}

const BASE_COLUMNS = [
  'account_id',
  'customer_id',
  'currency',
  'outstanding',
  'arrears',
  'past_due_days',
  'delinquent_days',
  'bucket',
  'next_due_date',
] as const;

function csvField(v: string | number): string {
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function toJson(r: AccountStateRow) {
  return {
    account_id: r.accountId,
    customer_id: r.customerId,
    currency: r.currency,
    outstanding: formatMinor(r.outstanding, r.currency),
    arrears: formatMinor(r.arrears, r.currency),
    past_due_days: r.pastDueDays,
    delinquent_days: r.delinquentDays,
    bucket: r.bucket,
    next_due_date: r.nextDueDate,
    ageing: Object.fromEntries(
      Object.entries(r.ageing).map(([k, v]) => [k, formatMinor(v, r.currency)]),
    ),
  };
}

export async function exportAccounts(
  deps: { exporter: StateExporter; policies: PolicyStore },
  asOf: LocalDate,
  format: ExportFormat,
  out: TextSink,
): Promise<number> {
  const policy = await deps.policies.ledgerPolicy();
  // CSV has one ageing column per range name, in the order the policies list them.
  const ranges = [...new Set(PRODUCTS.flatMap((p) => policy[p].buckets.map((b) => b.name)))];
  let first = true;
  if (format === 'csv') {
    await out.write([...BASE_COLUMNS, ...ranges.map((r) => `ageing_${r}`)].join(',') + '\n');
  } else {
    await out.write('[');
  }
  const n = await deps.exporter.statesAsOf(asOf, policy, async (rows) => {
    let text = '';
    for (const r of rows) {
      if (format === 'csv') {
        const j = toJson(r);
        const fields: (string | number)[] = [
          j.account_id,
          j.customer_id,
          j.currency,
          j.outstanding,
          j.arrears,
          j.past_due_days,
          j.delinquent_days,
          j.bucket,
          j.next_due_date ?? '',
          ...ranges.map((name) => formatMinor(r.ageing[name] ?? 0, r.currency)),
        ];
        text += fields.map(csvField).join(',') + '\n';
      } else {
        text += (first ? '\n' : ',\n') + JSON.stringify(toJson(r));
        first = false;
      }
    }
    await out.write(text);
  });
  if (format === 'json') await out.write(first ? ']\n' : '\n]\n');
  return n;
}
