/** Storage of call and visit tasks and of field agents. */
import type { FieldAgent, TaskRow, TaskStore } from '../../app/dispatch/ports.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { toDay, toInstant, type Database } from './sql-client.ts';

interface RawTask {
  id: string | number;
  dispatch_id: string | number | null;
  source: string;
  kind: TaskRow['kind'];
  account_id: string | number;
  account_ext: string;
  customer_id: string | number;
  customer_ext: string;
  customer_name: string;
  queue: string;
  priority: number;
  due_on: unknown;
  state: TaskRow['state'];
  assignee: string | null;
  route_seq: number | null;
  planned_arrival: number | null;
  reason: string | null;
  outcome: string | null;
  latitude: string | null;
  longitude: string | null;
  phone: string | null;
  address: string | null;
  language: string;
  timezone: string;
  started_at: unknown;
  locked_by: string | null;
  locked_until: unknown;
}

const dateText = (v: unknown) => toDay(v)!;

function toTask(r: RawTask): TaskRow {
  return {
    id: Number(r.id),
    dispatchId: r.dispatch_id === null ? null : Number(r.dispatch_id),
    source: r.source,
    kind: r.kind,
    accountId: Number(r.account_id),
    accountExt: r.account_ext,
    customerId: Number(r.customer_id),
    customerExt: r.customer_ext,
    customerName: r.customer_name,
    queue: r.queue,
    priority: r.priority,
    dueOn: dateText(r.due_on),
    state: r.state,
    assignee: r.assignee,
    routeSeq: r.route_seq,
    plannedArrival: r.planned_arrival,
    reason: r.reason,
    outcome: r.outcome,
    latitude: r.latitude === null ? null : Number(r.latitude),
    longitude: r.longitude === null ? null : Number(r.longitude),
    phone: r.phone,
    address: r.address,
    language: r.language,
    timezone: r.timezone,
    startedAt: toInstant(r.started_at),
    lockedBy: r.locked_by,
    lockedUntil: toInstant(r.locked_until),
  };
}

const SELECT = `SELECT t.*, a.external_id AS account_ext, c.external_id AS customer_ext,
  c.name AS customer_name, c.phone, c.address, c.language, c.timezone
  FROM tasks t JOIN accounts a ON a.id = t.account_id JOIN customers c ON c.id = t.customer_id`;

/** A row of field_agents. */
export interface AgentRow {
  id: string;
  name: string;
  territory: string;
  capacity: number;
  base_lat: string;
  base_lon: string;
  radius_km: number;
  shift_start: number;
  shift_end: number;
  languages: string[];
  active: boolean;
}

export const agentOf = (a: AgentRow): FieldAgent => ({
  id: a.id,
  name: a.name,
  territory: a.territory,
  capacity: a.capacity,
  baseLat: Number(a.base_lat),
  baseLon: Number(a.base_lon),
  radiusKm: a.radius_km,
  shiftStart: a.shift_start,
  shiftEnd: a.shift_end,
  languages: a.languages,
});

export class SqlTaskStore implements TaskStore {
  constructor(private readonly db: Database) {}

  async tasks(f: {
    kind?: 'call' | 'visit' | 'review';
    state?: string;
    dueOn?: LocalDate;
    assignee?: string;
    customerId?: number;
    limit: number;
    afterId?: number;
  }): Promise<TaskRow[]> {
    const where = ['t.id > $1'];
    const params: unknown[] = [f.afterId ?? 0, f.limit];
    if (f.kind) where.push(`t.kind = $${params.push(f.kind)}`);
    if (f.state) where.push(`t.state = $${params.push(f.state)}`);
    if (f.dueOn) where.push(`t.due_on = $${params.push(f.dueOn)}::date`);
    if (f.assignee) where.push(`t.assignee = $${params.push(f.assignee)}`);
    if (f.customerId !== undefined) where.push(`t.customer_id = $${params.push(f.customerId)}`);
    const order = f.kind === 'visit' && f.assignee ? 't.route_seq NULLS LAST, t.id' : 't.id';
    const r = await this.db.query<RawTask>(
      `${SELECT} WHERE ${where.join(' AND ')} ORDER BY ${order} LIMIT $2`,
      params,
    );
    return r.rows.map(toTask);
  }

  async task(id: number): Promise<TaskRow | null> {
    const r = await this.db.query<RawTask>(`${SELECT} WHERE t.id = $1`, [id]);
    return r.rows[0] ? toTask(r.rows[0]) : null;
  }

  async setTask(
    id: number,
    from: TaskRow['state'][],
    to: TaskRow['state'],
    fields: {
      assignee?: string | null;
      reason?: string | null;
      outcome?: string | null;
      outcomeAt?: Date | null;
      notes?: string | null;
      latitude?: number | null;
      longitude?: number | null;
      nextActionOn?: LocalDate | null;
    },
    at: Date,
  ): Promise<boolean> {
    const r = await this.db.query(
      `UPDATE tasks SET state = $3, updated_at = $4::timestamptz,
         assignee = CASE WHEN $5::boolean THEN $6 ELSE assignee END,
         reason = coalesce($7, reason), outcome = coalesce($8, outcome),
         outcome_at = coalesce($9::timestamptz, outcome_at), notes = coalesce($10, notes),
         latitude = CASE WHEN $11::numeric IS NULL THEN latitude ELSE $11::numeric END,
         longitude = CASE WHEN $12::numeric IS NULL THEN longitude ELSE $12::numeric END,
         started_at = CASE WHEN $3 = 'in_progress' THEN $4::timestamptz ELSE started_at END,
         next_action_on = coalesce($13::date, next_action_on),
         locked_by = CASE WHEN $3 IN ('done', 'expired', 'blocked') THEN NULL ELSE locked_by END,
         locked_until = CASE WHEN $3 IN ('done', 'expired', 'blocked') THEN NULL ELSE locked_until END
       WHERE id = $1 AND state = ANY($2::text[])`,
      [
        id,
        from,
        to,
        at.toISOString(),
        Object.hasOwn(fields, 'assignee'),
        fields.assignee ?? null,
        fields.reason ?? null,
        fields.outcome ?? null,
        fields.outcomeAt ? fields.outcomeAt.toISOString() : null,
        fields.notes ?? null,
        fields.latitude ?? null,
        fields.longitude ?? null,
        fields.nextActionOn ?? null,
      ],
    );
    return r.rowCount > 0;
  }

  async assignMany(
    rows: {
      id: number;
      state: TaskRow['state'];
      assignee: string | null;
      routeSeq: number | null;
      plannedArrival: number | null;
      reason: string | null;
    }[],
    at: Date,
  ): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `UPDATE tasks t SET state = x.state, assignee = x.assignee, route_seq = x.route_seq,
         planned_arrival = x.planned_arrival, reason = x.reason, updated_at = $2::timestamptz
       FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, state text, assignee text,
         route_seq integer, planned_arrival integer, reason text)
       WHERE t.id = x.id AND t.state IN ('open', 'assigned', 'unassigned')`,
      [
        JSON.stringify(
          rows.map((r) => ({
            id: r.id,
            state: r.state,
            assignee: r.assignee,
            route_seq: r.routeSeq,
            planned_arrival: r.plannedArrival,
            reason: r.reason,
          })),
        ),
        at.toISOString(),
      ],
    );
  }

  async agents(): Promise<FieldAgent[]> {
    const r = await this.db.query<AgentRow>('SELECT * FROM field_agents WHERE active ORDER BY id');
    return r.rows.map(agentOf);
  }

  async saveAgents(agents: FieldAgent[]): Promise<void> {
    await this.db.query(
      `INSERT INTO field_agents (id, name, territory, capacity, base_lat, base_lon, radius_km,
         shift_start, shift_end, languages)
       SELECT id, name, territory, capacity, base_lat, base_lon, radius_km, shift_start, shift_end,
              ARRAY(SELECT jsonb_array_elements_text(languages))
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, territory text, capacity integer,
         base_lat numeric, base_lon numeric, radius_km integer, shift_start integer,
         shift_end integer, languages jsonb)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, territory = excluded.territory,
         capacity = excluded.capacity, base_lat = excluded.base_lat, base_lon = excluded.base_lon,
         radius_km = excluded.radius_km, shift_start = excluded.shift_start,
         shift_end = excluded.shift_end, languages = excluded.languages, active = true`,
      [
        JSON.stringify(
          agents.map((a) => ({
            id: a.id,
            name: a.name,
            territory: a.territory,
            capacity: a.capacity,
            base_lat: a.baseLat,
            base_lon: a.baseLon,
            radius_km: a.radiusKm,
            shift_start: a.shiftStart,
            shift_end: a.shiftEnd,
            languages: a.languages,
          })),
        ),
      ],
    );
  }

  expireOverdue(now: Date): Promise<{ dispatches: number[]; tasks: number }> {
    return this.db.transaction(async (tx) => {
      const d = await tx.query<{ id: string | number }>(
        `WITH old AS (SELECT id, state FROM dispatches
             WHERE state IN ('planned', 'checked', 'queued') AND expires_at <= $1::timestamptz
             FOR UPDATE),
           x AS (UPDATE dispatches d SET state = 'expired', final_at = $1::timestamptz,
             updated_at = $1::timestamptz, last_reason = 'not done within its day'
             FROM old WHERE d.id = old.id RETURNING d.id, old.state AS from_state)
         INSERT INTO dispatch_events (dispatch_id, at, from_state, to_state, reason)
         SELECT id, $1::timestamptz, from_state, 'expired', 'not done within its day' FROM x
         RETURNING dispatch_id AS id`,
        [now.toISOString()],
      );
      const t = await tx.query(
        `UPDATE tasks t SET state = 'expired', updated_at = $1::timestamptz
         FROM dispatches d WHERE d.id = t.dispatch_id AND d.state = 'expired'
           AND t.state IN ('open', 'assigned', 'unassigned')`,
        [now.toISOString()],
      );
      return { dispatches: d.rows.map((x) => Number(x.id)), tasks: t.rowCount };
    });
  }
}
