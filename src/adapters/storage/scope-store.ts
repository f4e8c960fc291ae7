/**
 * Whether a collector or field agent works on a customer: a task of theirs (call, visit or
 * review, in any state) or an account they own is behind it. One indexed query per check.
 */
import { WORKED_BY } from './customer-store.ts';
import type { SqlConnection } from './sql-client.ts';

export type ScopeTarget =
  | { customer: string }
  | { account: string }
  | { task: number }
  | { plan: number }
  | { promise: number }
  | { dispatch: number };

/** The customer behind each kind of target (by the id the API uses). */
function customerOf(t: ScopeTarget): { sql: string; value: unknown } {
  if ('customer' in t)
    return { sql: 'SELECT id FROM customers WHERE external_id = $2', value: t.customer };
  if ('account' in t)
    return { sql: 'SELECT customer_id FROM accounts WHERE external_id = $2', value: t.account };
  if ('task' in t) return { sql: 'SELECT customer_id FROM tasks WHERE id = $2', value: t.task };
  if ('plan' in t)
    return {
      sql: 'SELECT a.customer_id FROM plans pl JOIN accounts a ON a.id = pl.account_id WHERE pl.id = $2',
      value: t.plan,
    };
  if ('promise' in t)
    return { sql: 'SELECT customer_id FROM promises WHERE id = $2', value: t.promise };
  return { sql: 'SELECT customer_id FROM dispatches WHERE id = $2', value: t.dispatch };
}

export class SqlScopeStore {
  constructor(private readonly db: SqlConnection) {}

  /**
   * True when the target's customer is behind the user's work (or the target does not exist:
   * the handler answers that); a task must be the user's own (assigned to or held by them).
   */
  async worksOn(user: string, target: ScopeTarget): Promise<boolean> {
    if ('task' in target) {
      const t = await this.db.query(
        'SELECT 1 FROM tasks WHERE id = $2 AND (assignee = $1 OR locked_by = $1)',
        [user, target.task],
      );
      return t.rows.length > 0;
    }
    const of = customerOf(target);
    const r = await this.db.query<{ ok: boolean; found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM (${of.sql}) t(customer_id)
                       WHERE t.customer_id IN (${WORKED_BY('$1')})) AS ok,
              EXISTS (${of.sql}) AS found`,
      [user, of.value],
    );
    // what does not exist is left to the handler to answer (404)
    return r.rows[0]?.ok === true || r.rows[0]?.found === false;
  }
}
