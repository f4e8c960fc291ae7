/** The model registry: scorecard documents versioned per purpose, at most one active each. */
import type { ModelStore, ModelSummary, NewModel, StoredModel } from '../../app/scoring/ports.ts';
import type { SqlConnection, Database } from './sql-client.ts';

/** Serialises registrations and activations, so versions and the active flag never race. */
const LOCK = 7_146_235_004;

const SUMMARY_COLUMNS = `id, purpose, version, name, active, registered_by, registered_at, note,
  activated_by, activated_at, deactivated_by, deactivated_at, fingerprint`;

interface SummaryRow {
  id: number;
  purpose: string;
  version: number;
  name: string;
  active: boolean;
  registered_by: string;
  registered_at: string;
  note: string | null;
  activated_by: string | null;
  activated_at: string | null;
  deactivated_by: string | null;
  deactivated_at: string | null;
  fingerprint: string | null;
}

interface Row extends SummaryRow {
  document: unknown;
}

const toSummary = (r: SummaryRow): ModelSummary => ({
  id: r.id,
  purpose: r.purpose,
  version: r.version,
  name: r.name,
  active: r.active,
  registeredBy: r.registered_by,
  registeredAt: r.registered_at,
  note: r.note,
  activatedBy: r.activated_by,
  activatedAt: r.activated_at,
  deactivatedBy: r.deactivated_by,
  deactivatedAt: r.deactivated_at,
  fingerprint: r.fingerprint,
});

const toModel = (r: Row): StoredModel => ({ ...toSummary(r), document: r.document });

/** Inside a transaction holding LOCK: the version becomes the purpose's only active one. */
async function activateIn(
  tx: SqlConnection,
  purpose: string,
  version: number,
  by: string,
): Promise<StoredModel | null> {
  const target = await tx.query<Row>(
    'SELECT * FROM score_models WHERE purpose = $1 AND version = $2',
    [purpose, version],
  );
  const row = target.rows[0];
  if (!row) return null;
  if (row.active) return toModel(row);
  // The old one first: the partial unique index allows one active row per purpose at any time.
  await tx.query(
    `UPDATE score_models SET active = false, deactivated_by = $2, deactivated_at = now()
     WHERE purpose = $1 AND active`,
    [purpose, by],
  );
  const r = await tx.query<Row>(
    `UPDATE score_models SET active = true, activated_by = $3, activated_at = now(),
       deactivated_by = NULL, deactivated_at = NULL
     WHERE purpose = $1 AND version = $2 RETURNING *`,
    [purpose, version, by],
  );
  return toModel(r.rows[0]!);
}

export class SqlModelStore implements ModelStore {
  constructor(private readonly db: Database) {}

  register(m: NewModel): Promise<StoredModel> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const r = await tx.query<Row>(
        `INSERT INTO score_models (purpose, version, name, document, fingerprint, registered_by, note)
         SELECT $1, COALESCE(max(version), 0) + 1, $2, $3::jsonb, $4, $5, $6
         FROM score_models WHERE purpose = $1
         RETURNING *`,
        [m.purpose, m.name, JSON.stringify(m.document), m.fingerprint, m.by, m.note],
      );
      const stored = toModel(r.rows[0]!);
      if (!m.activate) return stored;
      return (await activateIn(tx, stored.purpose, stored.version, m.by))!;
    });
  }

  async list(purpose?: string): Promise<ModelSummary[]> {
    const r = await this.db.query<SummaryRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM score_models WHERE ($1::text IS NULL OR purpose = $1)
       ORDER BY purpose, version`,
      [purpose ?? null],
    );
    return r.rows.map(toSummary);
  }

  async get(purpose: string, version: number): Promise<StoredModel | null> {
    const r = await this.db.query<Row>(
      'SELECT * FROM score_models WHERE purpose = $1 AND version = $2',
      [purpose, version],
    );
    return r.rows[0] ? toModel(r.rows[0]) : null;
  }

  async active(purpose: string): Promise<StoredModel | null> {
    const r = await this.db.query<Row>('SELECT * FROM score_models WHERE purpose = $1 AND active', [
      purpose,
    ]);
    return r.rows[0] ? toModel(r.rows[0]) : null;
  }

  activate(purpose: string, version: number, by: string): Promise<StoredModel | null> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      return activateIn(tx, purpose, version, by);
    });
  }

  deactivate(purpose: string, by: string): Promise<StoredModel | null> {
    return this.db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [LOCK]);
      const r = await tx.query<Row>(
        `UPDATE score_models SET active = false, deactivated_by = $2, deactivated_at = now()
         WHERE purpose = $1 AND active RETURNING *`,
        [purpose, by],
      );
      return r.rows[0] ? toModel(r.rows[0]) : null;
    });
  }
}
