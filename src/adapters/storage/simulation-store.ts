/** The stored portfolio for the simulation: one statement for every account and its history. */
import type { SimulationStore } from '../../app/strategy/ports.ts';
import type { StoredAccount } from '../../domain/simulation/history.ts';
import type { Database } from './sql-client.ts';

type Json<T> = T | string;
const json = <T>(v: Json<T>): T => (typeof v === 'string' ? (JSON.parse(v) as T) : v);
const day = (v: unknown): string =>
  v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10);

export class SqlSimulationStore implements SimulationStore {
  constructor(private readonly db: Database) {}

  async accountsOpenedBy(date: string): Promise<number> {
    const r = await this.db.query<{ n: string | number }>(
      'SELECT count(*) AS n FROM accounts WHERE opened_on <= $1::date',
      [date],
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  async history(from: string, to: string): Promise<StoredAccount[]> {
    const r = await this.db.query<{
      id: string;
      customer_id: string;
      timezone: string;
      language: string;
      jurisdiction: string;
      product: StoredAccount['product'];
      currency: string;
      principal: string | number;
      opened_on: unknown;
      grace_days: number | null;
      instalments: Json<[number, string, number, number, number][]>;
      payments: Json<[string, number][]>;
      holds: Json<[StoredAccount['holds'][number]['kind'], string, string | null][]>;
    }>(
      `SELECT a.external_id AS id, c.external_id AS customer_id, c.timezone, c.language,
              c.jurisdiction, a.product, a.currency, a.principal, a.opened_on, a.grace_days,
              COALESCE((SELECT json_agg(json_build_array(i.seq, i.due_date, i.principal_due,
                                 i.interest_due, i.fees_due) ORDER BY i.seq)
                        FROM instalments i WHERE i.account_id = a.id), '[]') AS instalments,
              COALESCE((SELECT json_agg(json_build_array(p.paid_on, p.amount)
                                 ORDER BY p.paid_on, p.id)
                        FROM payments p WHERE p.account_id = a.id AND p.paid_on <= $2::date),
                       '[]') AS payments,
              COALESCE((SELECT json_agg(json_build_array(h.kind, h.from_date, h.to_date)
                                 ORDER BY h.from_date, h.id)
                        FROM holds h WHERE h.account_id = a.id AND h.from_date <= $2::date),
                       '[]') AS holds
       FROM accounts a JOIN customers c ON c.id = a.customer_id
       WHERE a.opened_on <= $1::date
       ORDER BY c.id, a.id`,
      [from, to],
    );
    return r.rows.map((x) => ({
      id: x.id,
      customerId: x.customer_id,
      timezone: x.timezone,
      language: x.language,
      jurisdiction: x.jurisdiction,
      product: x.product,
      currency: x.currency.trim(),
      principal: Number(x.principal),
      openedOn: day(x.opened_on),
      graceDays: x.grace_days,
      instalments: json(x.instalments).map(
        ([seq, dueDate, principalDue, interestDue, feesDue]) => ({
          seq,
          dueDate,
          principalDue: Number(principalDue),
          interestDue: Number(interestDue),
          feesDue: Number(feesDue),
        }),
      ),
      payments: json(x.payments).map(([paidOn, amount]) => ({ paidOn, amount: Number(amount) })),
      holds: json(x.holds).map(([kind, from, to]) => ({ kind, from, to })),
    }));
  }

  async plannedActions(from: string, to: string): Promise<Record<string, number>> {
    const r = await this.db.query<{ channel: string; n: string | number }>(
      `SELECT channel, count(*) AS n FROM planned_actions
       WHERE planned_for > $1::date AND planned_for <= $2::date AND status = 'planned'
       GROUP BY channel ORDER BY channel`,
      [from, to],
    );
    return Object.fromEntries(r.rows.map((x) => [x.channel, Number(x.n)]));
  }
}
