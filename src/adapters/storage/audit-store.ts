/**
 * The audit log in PostgreSQL. Appends take a transaction-scoped advisory lock, read the head
 * and insert the chained entries, so that writers in several processes extend one chain. The
 * table refuses UPDATE, DELETE and TRUNCATE (migration 014).
 */
import { chain, type AuditEntry, type AuditRecord } from '../../domain/audit/chain.ts';
import { GENESIS } from '../../domain/audit/chain.ts';
import type { AuditFilter, AuditLog } from '../../app/audit/ports.ts';
import { sha256Hex } from '../crypto/secrets.ts';
import type { Database, SqlConnection } from './sql-client.ts';

/** The advisory lock that serialises appends (an arbitrary, fixed number). */
const AUDIT_LOCK = 7_301_014;

interface Row {
  seq: string | number;
  at: Date | string;
  actor: string;
  role: string;
  action: string;
  entity: string;
  entity_id: string | null;
  before: string | null;
  after: string | null;
  prev_hash: string;
  hash: string;
}

const entry = (r: Row): AuditEntry => ({
  seq: Number(r.seq),
  at: new Date(r.at),
  actor: r.actor,
  role: r.role,
  action: r.action,
  entity: r.entity,
  entityId: r.entity_id,
  before: r.before,
  after: r.after,
  prevHash: r.prev_hash,
  hash: r.hash,
});

const COLUMNS = 'seq, at, actor, role, action, entity, entity_id, before, after, prev_hash, hash';

export class SqlAuditLog implements AuditLog {
  constructor(private readonly db: Database) {}

  async append(records: readonly AuditRecord[]): Promise<AuditEntry[]> {
    if (records.length === 0) return [];
    return this.db.transaction((tx) => appendIn(tx, records));
  }

  async run(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2`,
      [afterSeq, limit],
    );
    return r.rows.map(entry);
  }

  async entries(f: AuditFilter): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, v: unknown) => {
      params.push(v);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.entity) add('entity = ?', f.entity);
    if (f.entityId) add('entity_id = ?', f.entityId);
    if (f.actor) add('actor = ?', f.actor);
    if (f.action) add('action LIKE ?', `${f.action.replace(/[%_\\]/g, '\\$&')}%`);
    if (f.beforeSeq !== undefined) add('seq < ?', f.beforeSeq);
    params.push(f.limit);
    const r = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY seq DESC LIMIT $${params.length}`,
      params,
    );
    return r.rows.map(entry);
  }

  async head(): Promise<{ seq: number; hash: string; count: number }> {
    const r = await this.db.query<{ seq: string | null; hash: string | null; count: string }>(
      `SELECT (SELECT seq FROM audit_log ORDER BY seq DESC LIMIT 1) AS seq,
              (SELECT hash FROM audit_log ORDER BY seq DESC LIMIT 1) AS hash,
              (SELECT count(*) FROM audit_log) AS count`,
    );
    const row = r.rows[0]!;
    return { seq: Number(row.seq ?? 0), hash: row.hash ?? GENESIS, count: Number(row.count) };
  }
}

/** Append inside a transaction the caller holds (a change and its audit entry commit together). */
export async function appendIn(
  tx: SqlConnection,
  records: readonly AuditRecord[],
): Promise<AuditEntry[]> {
  if (records.length === 0) return [];
  await tx.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_LOCK]);
  const last = await tx.query<{ seq: string; hash: string }>(
    'SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1',
  );
  const head = last.rows[0]
    ? { seq: Number(last.rows[0].seq), hash: last.rows[0].hash }
    : { seq: 0, hash: GENESIS };
  const entries = chain(head, records, sha256Hex);
  const params: unknown[] = [];
  const values = entries.map((e) => {
    const base = params.length;
    params.push(
      e.seq,
      e.at.toISOString(),
      e.actor,
      e.role,
      e.action,
      e.entity,
      e.entityId,
      e.before,
      e.after,
      e.prevHash,
      e.hash,
    );
    return `(${Array.from({ length: 11 }, (_, i) => `$${base + i + 1}`).join(', ')})`;
  });
  await tx.query(`INSERT INTO audit_log (${COLUMNS}) VALUES ${values.join(', ')}`, params);
  return entries;
}
