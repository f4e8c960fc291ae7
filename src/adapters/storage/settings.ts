/** The settings table: configuration documents by key, stored as validated JSON. */
import type { SqlConnection } from './sql-client.ts';

export async function readSetting<T = unknown>(
  conn: SqlConnection,
  key: string,
): Promise<T | undefined> {
  const r = await conn.query<{ value: T }>('SELECT value FROM settings WHERE key = $1', [key]);
  return r.rows[0]?.value;
}

export async function writeSetting(
  conn: SqlConnection,
  key: string,
  value: unknown,
): Promise<void> {
  await conn.query(
    `INSERT INTO settings (key, value) VALUES ($1, $2::jsonb)
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
    [key, JSON.stringify(value)],
  );
}

/** A policy document by key: the default when none is stored or the stored one no longer parses. */
export async function readPolicy<P>(
  conn: SqlConnection,
  key: string,
  parse: (x: unknown) => { ok: true; policy: P } | { ok: false },
  fallback: P,
): Promise<P> {
  const stored = await readSetting(conn, key);
  if (stored === undefined) return fallback;
  const p = parse(stored);
  return p.ok ? p.policy : fallback;
}
