/**
 * Storage of the collector's workspace: collectors and teams, the call tasks' queue columns,
 * "next account" claims (one statement: pick the best task with FOR UPDATE SKIP LOCKED, lock
 * it, record the event, return it with its account and customer), releases and moves.
 *
 * The collectors, the policy and the call scripts are read on every "next account": they are
 * kept for a few seconds (and dropped at once when this process changes them).
 */
import { readPolicy, writeSetting } from './settings.ts';
import type {
  Collector,
  DeskTask,
  NewTask,
  QueueFact,
  QueueSummaryRow,
  QueueUpdate,
  TaskEvent,
  TaskSource,
  Team,
  WorkspaceStore,
} from '../../app/workspace/ports.ts';
import {
  DEFAULT_WORKSPACE_POLICY,
  parseWorkspacePolicy,
  type WorkspacePolicy,
} from '../../domain/workspace/policy.ts';
import { UNANSWERED_OUTCOMES } from '../../domain/workspace/priority.ts';
import type { CallScript } from '../../domain/workspace/script.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { toDay, toInstant, type Database } from './sql-client.ts';

const POLICY_KEY = 'workspace.policy';
const CACHE_MS = 5_000;

/**
 * A value read again at most every few seconds: past that, the stale value is served while one
 * read refreshes it (no stampede of reads when it expires under load).
 */
class Cached<T> {
  private value: { v: T; at: number } | null = null;
  private loading: Promise<T> | null = null;
  constructor(private readonly load: () => Promise<T>) {}
  async get(): Promise<T> {
    const now = performance.now();
    if (this.value && now - this.value.at < CACHE_MS) return this.value.v;
    const refresh = (this.loading ??= this.load().then(
      (v) => {
        this.value = { v, at: performance.now() };
        this.loading = null;
        return v;
      },
      (e: unknown) => {
        this.loading = null;
        throw e;
      },
    ));
    return this.value ? this.value.v : refresh;
  }
  drop(): void {
    this.value = null;
    this.loading = null;
  }
}

interface RawDesk {
  id: string | number;
  source: TaskSource;
  queue: string;
  state: string;
  due_on: unknown;
  due_at: unknown;
  value: string | number;
  amount_at_risk: string | number | null;
  pay_probability: number | null;
  reason: string | null;
  locked_until: unknown;
  assignee: string | null;
  segment_id: string | null;
  account_ext: string;
  product: string;
  currency: string;
  outstanding: string | number | null;
  arrears: string | number | null;
  past_due_days: number | null;
  bucket: string | null;
  customer_ext: string;
  name: string;
  phone: string | null;
  language: string;
  timezone: string;
  jurisdiction: string;
}

const num = (v: string | number | null) => (v === null ? null : Number(v));

function toDesk(r: RawDesk): DeskTask {
  return {
    id: Number(r.id),
    source: r.source,
    queue: r.queue,
    state: r.state,
    dueOn: toDay(r.due_on)!,
    dueAt: toInstant(r.due_at),
    value: Number(r.value),
    amountAtRisk: num(r.amount_at_risk),
    payProbability: r.pay_probability,
    reason: r.reason,
    lockedUntil: toInstant(r.locked_until),
    assignee: r.assignee,
    segmentId: r.segment_id,
    account: {
      id: r.account_ext,
      product: r.product,
      currency: r.currency.trim(),
      outstanding: num(r.outstanding),
      arrears: num(r.arrears),
      pastDueDays: r.past_due_days,
      bucket: r.bucket,
    },
    customer: {
      id: r.customer_ext,
      name: r.name,
      phone: r.phone,
      language: r.language,
      timezone: r.timezone,
      jurisdiction: r.jurisdiction,
    },
  };
}

/** The desk's view of tasks `t` (a table or a CTE of task rows). */
const deskSelect = (t: string, extra = '') => `
  SELECT ${extra} t.id, t.source, t.queue, t.state, t.due_on, t.due_at, t.value, t.amount_at_risk,
         t.pay_probability, t.reason, t.locked_until, t.assignee, t.segment_id,
         a.external_id AS account_ext, a.product, a.currency, st.outstanding, st.arrears,
         st.past_due_days, st.bucket, c.external_id AS customer_ext, c.name, c.phone, c.language,
         c.timezone, c.jurisdiction
  FROM ${t} t JOIN accounts a ON a.id = t.account_id JOIN customers c ON c.id = t.customer_id
  LEFT JOIN account_states st ON st.account_id = t.account_id`;

/** What a task must be to be offered at $2 (an instant) on day $3, with callbacks $5 minutes early. */
const CALLABLE = `kind = 'call' AND due_on <= $3::date
  AND coalesce(callable_from, '-infinity'::timestamptz) <= $2::timestamptz
  AND coalesce(callable_to, 'infinity'::timestamptz) > $2::timestamptz
  AND coalesce(not_before, '-infinity'::timestamptz) <= $2::timestamptz
  AND (due_at IS NULL OR due_at <= $2::timestamptz + make_interval(mins => $5::int))
  AND (locked_until IS NULL OR locked_until <= $2::timestamptz)`;

/**
 * Locks the task chosen by `pick` (id, prev: who held it, held: whether $1 holds it still) for
 * $1 until $4 and returns it for the desk; a task $1 still holds is returned as it is.
 */
const CLAIM = (pick: string) => `
  WITH pick AS (${pick} LIMIT 1 FOR UPDATE SKIP LOCKED),
  claimed AS (
    UPDATE tasks t SET locked_by = $1, locked_until = $4::timestamptz, updated_at = $2::timestamptz
    FROM pick WHERE t.id = pick.id AND NOT pick.held RETURNING t.*),
  ev AS (
    INSERT INTO task_events (task_id, at, actor, action, detail)
    SELECT pick.id, $2::timestamptz, pick.prev, 'lock_expired', NULL
    FROM claimed JOIN pick ON pick.id = claimed.id WHERE pick.prev IS NOT NULL
    UNION ALL
    SELECT id, $2::timestamptz, $1, 'claimed', jsonb_build_object('until', $4::timestamptz)
    FROM claimed),
  given AS (
    SELECT t.*, true AS held FROM tasks t JOIN pick ON pick.id = t.id AND pick.held
    UNION ALL
    SELECT c.*, false AS held FROM claimed c)
  ${deskSelect('given', 't.held,')}`;

/** The collector's own tasks and the one it holds: one statement, prepared. */
const CLAIM_OWN = CLAIM(`SELECT id, locked_by AS prev,
    coalesce(locked_by = $1 AND locked_until > $2::timestamptz, false) AS held
  FROM tasks
  WHERE kind = 'call' AND ((locked_by = $1 AND locked_until > $2::timestamptz
      AND state IN ('open', 'assigned'))
    OR (state = 'assigned' AND assignee = $1 AND ${CALLABLE}))
  ORDER BY held DESC, (due_at IS NOT NULL) DESC, value DESC, id`);

/**
 * The shared pool: what no collector has and this one may take (the rules of
 * domain/workspace/assign.ts `ineligibility`, in SQL).
 */
const CLAIM_POOL = CLAIM(`SELECT id, locked_by AS prev, false AS held FROM tasks
  WHERE state = 'open' AND ${CALLABLE}
    AND (team IS NULL OR team = $6)
    AND ($7::boolean OR queue = ANY($8::text[]) OR queue LIKE ANY($9::text[]))
    AND (cardinality($10::text[]) = 0 OR EXISTS (SELECT 1 FROM unnest($10::text[]) l
           WHERE l = language OR language LIKE l || '-%' OR l LIKE language || '-%'))
    AND (cardinality($11::text[]) = 0 OR bucket = ANY($11::text[]))
    AND (skill IS NULL OR skill = ANY($12::text[]))
    AND ($13::text IS NULL OR territory IS NULL OR territory = $13
         OR territory LIKE $13 || '-%')
  ORDER BY value DESC, id`);

export class SqlWorkspaceStore implements WorkspaceStore {
  private readonly cachedPolicy = new Cached(() => this.loadPolicy());
  private readonly cachedCollectors = new Cached(() => this.loadCollectors());
  private readonly cachedScripts = new Cached(() => this.loadScripts());

  constructor(private readonly db: Database) {}

  policy(): Promise<WorkspacePolicy> {
    return this.cachedPolicy.get();
  }

  private loadPolicy(): Promise<WorkspacePolicy> {
    return readPolicy(this.db, POLICY_KEY, parseWorkspacePolicy, DEFAULT_WORKSPACE_POLICY);
  }

  async setPolicy(policy: WorkspacePolicy): Promise<void> {
    await writeSetting(this.db, POLICY_KEY, policy);
    this.cachedPolicy.drop();
  }

  collectors(): Promise<Collector[]> {
    return this.cachedCollectors.get();
  }

  private async loadCollectors(): Promise<Collector[]> {
    const r = await this.db.query<{
      id: string;
      name: string;
      team: string | null;
      queues: string[];
      languages: string[];
      buckets: string[];
      skills: string[];
      territory: string | null;
      capacity: number;
      active: boolean;
    }>('SELECT * FROM collectors ORDER BY id');
    return r.rows.map((c) => ({ ...c }));
  }

  async saveCollectors(cs: readonly Collector[]): Promise<void> {
    await this.db.query(
      `INSERT INTO collectors (id, name, team, queues, languages, buckets, skills, territory,
         capacity, active)
       SELECT id, name, team, ARRAY(SELECT jsonb_array_elements_text(queues)),
              ARRAY(SELECT jsonb_array_elements_text(languages)),
              ARRAY(SELECT jsonb_array_elements_text(buckets)),
              ARRAY(SELECT jsonb_array_elements_text(skills)), territory, capacity, active
       FROM jsonb_to_recordset($1::jsonb) AS x(id text, name text, team text, queues jsonb,
         languages jsonb, buckets jsonb, skills jsonb, territory text, capacity integer,
         active boolean)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, team = excluded.team,
         queues = excluded.queues, languages = excluded.languages, buckets = excluded.buckets,
         skills = excluded.skills, territory = excluded.territory, capacity = excluded.capacity,
         active = excluded.active`,
      [JSON.stringify(cs)],
    );
    this.cachedCollectors.drop();
  }

  async teams(): Promise<Team[]> {
    const r = await this.db.query<Team>('SELECT id, name, supervisor FROM teams ORDER BY id');
    return r.rows;
  }

  async saveTeams(ts: readonly Team[]): Promise<void> {
    await this.db.query(
      `INSERT INTO teams (id, name, supervisor)
       SELECT id, name, supervisor FROM jsonb_to_recordset($1::jsonb)
         AS x(id text, name text, supervisor text)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, supervisor = excluded.supervisor`,
      [JSON.stringify(ts)],
    );
  }

  async queueFacts(
    f: { day: LocalDate } | { taskIds: number[] },
    since: Date,
  ): Promise<QueueFact[]> {
    const filter = 'day' in f ? 't.due_on <= $1::date' : 't.id = ANY($1::bigint[])';
    const r = await this.db.query<{
      id: string | number;
      customer_id: string | number;
      account_ext: string;
      source: TaskSource;
      queue: string;
      due_on: unknown;
      assignee: string | null;
      team: string | null;
      skill: string | null;
      segment_id: string | null;
      bucket: string | null;
      language: string;
      timezone: string;
      jurisdiction: string;
      amount_at_risk: string | number;
      probability: number | null;
      unanswered: number;
      owner: string | null;
    }>(
      `SELECT t.id, t.customer_id, a.external_id AS account_ext, t.source, t.queue, t.due_on,
              t.assignee, t.team, t.skill, coalesce(t.segment_id, pa.segment_id) AS segment_id,
              st.bucket, c.language, c.timezone, c.jurisdiction,
              CASE WHEN coalesce(st.arrears, 0) > 0 THEN st.arrears
                   ELSE coalesce((SELECT i.principal_due + i.interest_due + i.fees_due
                                  FROM instalments i
                                  WHERE i.account_id = t.account_id AND i.due_date >= t.due_on
                                  ORDER BY i.due_date, i.seq LIMIT 1), 0) END AS amount_at_risk,
              sc.probability,
              (SELECT count(*) FROM contact_attempts x
               WHERE x.customer_id = t.customer_id AND x.channel = 'phone'
                 AND x.ts >= $2::timestamptz AND x.outcome = ANY($3::text[]))::int AS unanswered,
              o.collector AS owner
       FROM tasks t
       JOIN accounts a ON a.id = t.account_id
       JOIN customers c ON c.id = t.customer_id
       LEFT JOIN account_states st ON st.account_id = t.account_id
       LEFT JOIN account_scores sc ON sc.account_id = t.account_id AND sc.purpose = 'collection'
       LEFT JOIN dispatches d ON d.id = t.dispatch_id
       LEFT JOIN planned_actions pa ON pa.id = d.action_id
       LEFT JOIN account_owners o ON o.account_id = t.account_id
       WHERE t.kind = 'call' AND t.state IN ('open', 'assigned') AND ${filter}
       ORDER BY t.id`,
      ['day' in f ? f.day : f.taskIds, since.toISOString(), UNANSWERED_OUTCOMES],
    );
    return r.rows.map((x) => ({
      taskId: Number(x.id),
      customerId: Number(x.customer_id),
      accountExt: x.account_ext,
      source: x.source,
      queue: x.queue,
      dueOn: toDay(x.due_on)!,
      assignee: x.assignee,
      team: x.team,
      skill: x.skill,
      segmentId: x.segment_id,
      bucket: x.bucket,
      language: x.language,
      timezone: x.timezone,
      jurisdiction: x.jurisdiction,
      amountAtRisk: Number(x.amount_at_risk),
      noPaymentProbability: x.probability,
      unansweredAttempts: x.unanswered,
      owner: x.owner,
    }));
  }

  async loads(day: LocalDate): Promise<Map<string, number>> {
    const r = await this.db.query<{ assignee: string; n: number }>(
      `SELECT assignee, count(*)::int AS n FROM tasks
       WHERE kind = 'call' AND due_on = $1::date AND assignee IS NOT NULL
         AND state IN ('assigned', 'in_progress', 'done')
       GROUP BY assignee`,
      [day],
    );
    return new Map(r.rows.map((x) => [x.assignee, x.n]));
  }

  async applyQueue(rows: readonly QueueUpdate[], at: Date): Promise<void> {
    if (rows.length === 0) return;
    const iso = (d: Date | null) => (d ? d.toISOString() : null);
    await this.db.transaction(async (tx) => {
      await tx.exec(
        `CREATE TEMP TABLE queue_update (task_id bigint, value bigint, amount_at_risk bigint,
           pay_probability double precision, effort_minutes integer, callable_from timestamptz,
           callable_to timestamptz, not_before timestamptz, segment_id text, bucket text,
           language text, territory text, assignee text, blocked text) ON COMMIT DROP`,
      );
      await tx.copyFrom(
        'queue_update',
        [
          'task_id',
          'value',
          'amount_at_risk',
          'pay_probability',
          'effort_minutes',
          'callable_from',
          'callable_to',
          'not_before',
          'segment_id',
          'bucket',
          'language',
          'territory',
          'assignee',
          'blocked',
        ],
        rows.map((r) => [
          r.taskId,
          r.value,
          r.amountAtRisk,
          r.payProbability,
          r.effortMinutes,
          iso(r.callableFrom),
          iso(r.callableTo),
          iso(r.notBefore),
          r.segmentId,
          r.bucket,
          r.language,
          r.territory,
          r.assignee,
          r.blocked,
        ]),
      );
      await tx.query(
        `WITH u AS (
           UPDATE tasks t SET value = q.value, amount_at_risk = q.amount_at_risk,
             pay_probability = q.pay_probability, effort_minutes = q.effort_minutes,
             callable_from = q.callable_from, callable_to = q.callable_to,
             not_before = greatest(q.not_before, t.not_before),
             segment_id = q.segment_id, bucket = q.bucket, language = q.language,
             territory = q.territory,
             assignee = coalesce(t.assignee, q.assignee),
             state = CASE WHEN q.blocked IS NOT NULL THEN 'blocked'
                          WHEN t.assignee IS NULL AND q.assignee IS NOT NULL THEN 'assigned'
                          ELSE t.state END,
             reason = coalesce(q.blocked, t.reason),
             locked_by = CASE WHEN q.blocked IS NOT NULL THEN NULL ELSE t.locked_by END,
             locked_until = CASE WHEN q.blocked IS NOT NULL THEN NULL ELSE t.locked_until END,
             updated_at = $1::timestamptz
           FROM queue_update q
           WHERE t.id = q.task_id AND t.state IN ('open', 'assigned')
           RETURNING t.id, q.assignee, q.blocked)
         INSERT INTO task_events (task_id, at, actor, action, detail)
         SELECT id, $1::timestamptz, 'queue',
                CASE WHEN blocked IS NOT NULL THEN 'blocked' ELSE 'assigned' END,
                CASE WHEN blocked IS NOT NULL THEN jsonb_build_object('reason', blocked)
                     ELSE jsonb_build_object('to', assignee) END
         FROM u WHERE assignee IS NOT NULL OR blocked IS NOT NULL`,
        [at.toISOString()],
      );
    });
  }

  async claim(
    c: Collector,
    now: Date,
    day: LocalDate,
    until: Date,
    callbackLead: number,
  ): Promise<{ task: DeskTask; held: boolean } | null> {
    const base = [c.id, now.toISOString(), day, until.toISOString(), callbackLead];
    const own = await this.db.query<RawDesk & { held: boolean }>(CLAIM_OWN, base, {
      prepare: 'desk_claim_own',
    });
    if (own.rows[0]) return { task: toDesk(own.rows[0]), held: own.rows[0].held };
    const exact = c.queues.filter((q) => q !== '*' && !q.endsWith('*'));
    const prefixes = c.queues
      .filter((q) => q !== '*' && q.endsWith('*'))
      .map((q) => `${q.slice(0, -1)}%`);
    const pool = await this.db.query<RawDesk>(
      CLAIM_POOL,
      [
        ...base,
        c.team,
        c.queues.includes('*'),
        exact,
        prefixes,
        c.languages,
        c.buckets,
        c.skills,
        c.territory,
      ],
      { prepare: 'desk_claim_pool' },
    );
    return pool.rows[0] ? { task: toDesk(pool.rows[0]), held: false } : null;
  }

  async release(
    taskId: number,
    collector: string,
    now: Date,
    notBefore: Date | null,
    reason: string | null,
  ): Promise<boolean> {
    const r = await this.db.query(
      `WITH r AS (
         UPDATE tasks SET locked_by = NULL, locked_until = NULL, not_before = $4::timestamptz,
           updated_at = $3::timestamptz
         WHERE id = $1 AND locked_by = $2 AND locked_until > $3::timestamptz
           AND state IN ('open', 'assigned')
         RETURNING id)
       INSERT INTO task_events (task_id, at, actor, action, detail)
       SELECT id, $3::timestamptz, $2, CASE WHEN $4::timestamptz IS NULL THEN 'released' ELSE 'deferred' END,
              jsonb_strip_nulls(jsonb_build_object('until', $4::timestamptz, 'reason', $5::text))
       FROM r`,
      [taskId, collector, now.toISOString(), notBefore?.toISOString() ?? null, reason],
      { prepare: 'desk_release' },
    );
    return r.rowCount > 0;
  }

  async move(
    taskIds: number[],
    to: { collector: string | null; team: string | null },
    by: string,
    now: Date,
  ): Promise<number> {
    const r = await this.db.query(
      `WITH m AS (
         UPDATE tasks SET assignee = $2, team = $3,
           state = CASE WHEN $2::text IS NULL THEN 'open' ELSE 'assigned' END,
           locked_by = NULL, locked_until = NULL, updated_at = $5::timestamptz
         WHERE id = ANY($1::bigint[]) AND kind = 'call' AND state IN ('open', 'assigned')
         RETURNING id)
       INSERT INTO task_events (task_id, at, actor, action, detail)
       SELECT id, $5::timestamptz, $4, 'moved', jsonb_strip_nulls(jsonb_build_object('collector', $2::text, 'team', $3::text))
       FROM m`,
      [taskIds, to.collector, to.team, by, now.toISOString()],
    );
    return r.rowCount;
  }

  setOwner(accountExt: string, collector: string, by: string, now: Date): Promise<number | null> {
    return this.db.transaction(async (tx) => {
      const a = await tx.query<{ id: string | number }>(
        'SELECT id FROM accounts WHERE external_id = $1',
        [accountExt],
      );
      if (!a.rows[0]) return null;
      const id = Number(a.rows[0].id);
      await tx.query(
        `INSERT INTO account_owners (account_id, collector, since, by_user)
         VALUES ($1, $2, $3::timestamptz, $4)
         ON CONFLICT (account_id) DO UPDATE SET collector = excluded.collector,
           since = excluded.since, by_user = excluded.by_user`,
        [id, collector, now.toISOString(), by],
      );
      const m = await tx.query(
        `WITH m AS (
           UPDATE tasks SET assignee = $2, team = NULL, state = 'assigned', locked_by = NULL,
             locked_until = NULL, updated_at = $3::timestamptz
           WHERE account_id = $1 AND kind = 'call' AND state IN ('open', 'assigned')
           RETURNING id)
         INSERT INTO task_events (task_id, at, actor, action, detail)
         SELECT id, $3::timestamptz, $4, 'moved', jsonb_build_object('collector', $2::text, 'owner', true)
         FROM m`,
        [id, collector, now.toISOString(), by],
      );
      return m.rowCount;
    });
  }

  async createTask(t: NewTask, now: Date): Promise<number | null> {
    const r = await this.db.query<{ id: string | number }>(
      `WITH n AS (
         INSERT INTO tasks (dispatch_id, kind, account_id, customer_id, queue, priority, due_on,
           state, assignee, team, source, due_at, reason, created_by, plan_id, created_at,
           updated_at)
         SELECT NULL, $12, a.id, a.customer_id, $2, $3,
                coalesce(($5::timestamptz AT TIME ZONE c.timezone)::date, $4::date),
                CASE WHEN $6::text IS NULL THEN 'open' ELSE 'assigned' END, $6, $7, $8,
                $5::timestamptz, $9, $10, $13::bigint, $11::timestamptz, $11::timestamptz
         FROM accounts a JOIN customers c ON c.id = a.customer_id WHERE a.external_id = $1
         ON CONFLICT (plan_id, source) WHERE plan_id IS NOT NULL DO NOTHING
         RETURNING id),
       ev AS (
         INSERT INTO task_events (task_id, at, actor, action, detail)
         SELECT id, $11::timestamptz, $10, 'created',
                jsonb_strip_nulls(jsonb_build_object('source', $8::text, 'reason', $9::text, 'to', $6::text))
         FROM n)
       SELECT id FROM n
       UNION ALL
       SELECT id FROM tasks WHERE plan_id = $13::bigint AND source = $8 AND NOT EXISTS (SELECT 1 FROM n)`,
      [
        t.accountExt,
        t.queue,
        t.priority,
        t.dueOn,
        t.dueAt?.toISOString() ?? null,
        t.assignee,
        t.team,
        t.source,
        t.reason,
        t.createdBy,
        now.toISOString(),
        t.kind,
        t.planId,
      ],
    );
    return r.rows[0] ? Number(r.rows[0].id) : null;
  }

  async completeReview(
    taskId: number,
    by: string,
    outcome: string,
    notes: string | null,
    now: Date,
  ): Promise<boolean> {
    const r = await this.db.query(
      `WITH d AS (
         UPDATE tasks SET state = 'done', outcome = $3, notes = coalesce($4, notes),
           outcome_at = $5::timestamptz, assignee = coalesce(assignee, $2),
           updated_at = $5::timestamptz
         WHERE id = $1 AND kind = 'review' AND state IN ('open', 'assigned')
         RETURNING id)
       INSERT INTO task_events (task_id, at, actor, action, detail)
       SELECT id, $5::timestamptz, $2, 'done', jsonb_build_object('outcome', $3::text) FROM d`,
      [taskId, by, outcome, notes, now.toISOString()],
    );
    return r.rowCount > 0;
  }

  async events(taskId: number): Promise<TaskEvent[]> {
    const r = await this.db.query<{
      task_id: string | number;
      at: unknown;
      actor: string;
      action: string;
      detail: Record<string, unknown> | null;
    }>('SELECT * FROM task_events WHERE task_id = $1 ORDER BY at, id', [taskId]);
    return r.rows.map((e) => ({
      taskId: Number(e.task_id),
      at: toInstant(e.at)!,
      actor: e.actor,
      action: e.action,
      detail: e.detail,
    }));
  }

  scripts(): Promise<CallScript[]> {
    return this.cachedScripts.get();
  }

  private async loadScripts(): Promise<CallScript[]> {
    const r = await this.db.query<CallScript>(
      'SELECT segment, language, title, body FROM call_scripts ORDER BY segment, language',
    );
    return r.rows;
  }

  async saveScript(s: CallScript, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO call_scripts (segment, language, title, body, updated_at)
       VALUES ($1, $2, $3, $4, $5::timestamptz)
       ON CONFLICT (segment, language) DO UPDATE SET title = excluded.title,
         body = excluded.body, updated_at = excluded.updated_at`,
      [s.segment, s.language, s.title, s.body, at.toISOString()],
    );
    this.cachedScripts.drop();
  }

  async summary(day: LocalDate): Promise<QueueSummaryRow[]> {
    const r = await this.db.query<{
      queue: string;
      assignee: string | null;
      state: string;
      tasks: number;
      value: string | number;
    }>(
      `SELECT queue, assignee, state, count(*)::int AS tasks, coalesce(sum(value), 0) AS value
       FROM tasks
       WHERE kind = 'call' AND (due_on = $1::date OR (due_on < $1::date AND state IN ('open', 'assigned')))
       GROUP BY queue, assignee, state ORDER BY queue, assignee NULLS FIRST, state`,
      [day],
    );
    return r.rows.map((x) => ({ ...x, value: Number(x.value) }));
  }

  async desk(taskId: number): Promise<DeskTask | null> {
    const r = await this.db.query<RawDesk>(`${deskSelect('tasks')} WHERE t.id = $1`, [taskId]);
    return r.rows[0] ? toDesk(r.rows[0]) : null;
  }
}
