/** The self-service page's records on the database: payment intents and the log of link uses. */
import type { Claim, PaymentIntent, SelfServiceStore } from '../../app/selfservice/ports.ts';
import type { Database } from './sql-client.ts';

const SECRET_KEY = 'self_service.link_secret';

const INTENTS = `SELECT p.id, a.external_id AS account, p.amount, p.currency, p.reference, p.created_at
  FROM payment_intents p JOIN accounts a ON a.id = p.account_id`;
const BY_KEY = `${INTENTS} WHERE p.request_key = $1`;

interface IntentRow {
  id: number | string;
  account: string;
  amount: number | string;
  currency: string;
  reference: string;
  created_at: Date | string;
}

const toIntent = (r: IntentRow): PaymentIntent => ({
  id: Number(r.id),
  account: r.account,
  amountMinor: Number(r.amount),
  currency: r.currency.trim(),
  reference: r.reference,
  status: 'recorded',
  createdAt: new Date(r.created_at).toISOString(),
});

/** The reference a customer pays under: short, unambiguous letters and digits, from the id. */
export function intentReference(id: number): string {
  const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  let n = id * 7919 + 104_729; // spread consecutive ids
  let s = '';
  while (n > 0) {
    s = ALPHABET[n % 32] + s;
    n = Math.floor(n / 32);
  }
  return `RP-${s.padStart(6, '0')}`;
}

export class SqlSelfServiceStore implements SelfServiceStore {
  constructor(private readonly db: Database) {}

  async logUse(u: { account: string | null; action: string; outcome: string; at: Date }) {
    await this.db.query(
      'INSERT INTO self_service_uses (account, action, outcome, at) VALUES ($1, $2, $3, $4)',
      [u.account, u.action, u.outcome, u.at.toISOString()],
    );
  }

  async claim(key: string, account: string, action: string, at: Date): Promise<Claim> {
    const r = await this.db.query(
      `INSERT INTO self_service_uses (account, action, outcome, request_key, at)
       VALUES ($1, $2, 'started', $3, $4) ON CONFLICT (request_key) DO NOTHING RETURNING id`,
      [account, action, key, at.toISOString()],
    );
    if (r.rows.length > 0) return { fresh: true };
    const seen = await this.db.query<{ result: unknown }>(
      'SELECT result FROM self_service_uses WHERE request_key = $1',
      [key],
    );
    await this.logUse({ account, action, outcome: 'repeated', at });
    return { fresh: false, outcome: seen.rows[0]?.result ?? null };
  }

  async settle(key: string, outcome: unknown) {
    await this.db.query(
      `UPDATE self_service_uses SET outcome = 'done', result = $2 WHERE request_key = $1`,
      [key, JSON.stringify(outcome)],
    );
  }

  async release(key: string) {
    await this.db.query('DELETE FROM self_service_uses WHERE request_key = $1', [key]);
  }

  async recordIntent(i: {
    account: string;
    amountMinor: number;
    currency: string;
    requestKey: string;
    at: Date;
  }) {
    return this.db.transaction(async (tx) => {
      const seen = await tx.query<IntentRow>(BY_KEY, [i.requestKey]);
      if (seen.rows[0]) return { intent: toIntent(seen.rows[0]), created: false };
      const id = await tx.query<{ id: number | string }>(
        "SELECT nextval(pg_get_serial_sequence('payment_intents', 'id')) AS id",
      );
      const n = Number(id.rows[0]!.id);
      const r = await tx.query<IntentRow>(
        `INSERT INTO payment_intents (id, account_id, amount, currency, reference, request_key, created_at)
         SELECT $1, a.id, $3, $4, $5, $6, $7 FROM accounts a WHERE a.external_id = $2
         ON CONFLICT (request_key) DO NOTHING
         RETURNING id, $2::text AS account, amount, currency, reference, created_at`,
        [
          n,
          i.account,
          i.amountMinor,
          i.currency,
          intentReference(n),
          i.requestKey,
          i.at.toISOString(),
        ],
      );
      if (r.rows[0]) return { intent: toIntent(r.rows[0]), created: true };
      // sent twice at once: the other one recorded it
      const other = await tx.query<IntentRow>(BY_KEY, [i.requestKey]);
      return other.rows[0] ? { intent: toIntent(other.rows[0]), created: false } : null;
    });
  }

  async intents(account: string, limit: number) {
    const r = await this.db.query<IntentRow>(
      `${INTENTS} WHERE a.external_id = $1 ORDER BY p.id DESC LIMIT $2`,
      [account, limit],
    );
    return r.rows.map(toIntent);
  }
}

/**
 * The secret links are signed with when none is configured: made on first start and kept in
 * the settings, so links sent before a restart still open. Two processes starting together
 * keep the same one.
 */
export async function storedLinkSecret(db: Database, fresh: () => string): Promise<string> {
  await db.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING', [
    SECRET_KEY,
    JSON.stringify(fresh()),
  ]);
  const r = await db.query<{ value: unknown }>('SELECT value FROM settings WHERE key = $1', [
    SECRET_KEY,
  ]);
  return String(r.rows[0]!.value);
}
