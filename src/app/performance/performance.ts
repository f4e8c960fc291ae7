/**
 * Collector performance for a month: the KPIs computed from what the collectors did (storage
 * counts them), assessed against the period's targets with the stored scheme into a score, a
 * grade and a rank, for each collector and each team (from the members' summed counts); the
 * targets, the scheme and complaints about collectors.
 */
import {
  assessRow,
  leaderboard,
  validateScheme,
  type AssessmentScheme,
  type KpiCell,
  type KpiName,
  type RankedRow,
  type Targets,
} from '../../domain/performance/assessment.ts';
import { kpis, sumCounts, type CollectorCounts, type Kpis } from '../../domain/performance/kpis.ts';
import {
  ATTRIBUTION_DAYS,
  isPeriod,
  periodRange,
  targetsFor,
  validateTargets,
} from '../../domain/performance/period.ts';
import { isLocalDate, type LocalDate } from '../../domain/time/date.ts';
import type { PolicyStore } from '../policy/ports.ts';
import { invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import type { CollectorPeriod, PerformanceStore, StoredComplaint, TargetsDoc } from './ports.ts';

export interface PerformanceDeps {
  performance: PerformanceStore;
  policies: PolicyStore;
  /** The business time zone: the period's days are its days. */
  timezone: string;
}

/** A validator's `field: reason` lines as error details. */
export function detailsOf(errors: readonly string[]): ErrorDetail[] {
  return errors.map((e) => {
    const i = e.indexOf(': ');
    return i < 0 ? { at: '', reason: e } : { at: e.slice(0, i), reason: e.slice(i + 2) };
  });
}

/** The document as `T` when `validate` finds nothing wrong; else the problems, by field. */
export function checked<T>(doc: unknown, validate: (x: unknown) => string[], what: string): T {
  const errors = validate(doc);
  if (errors.length > 0) throw invalid(`the ${what} is not valid`, detailsOf(errors));
  return doc as T;
}

export function checkPeriod(period: string, at = 'period'): { from: LocalDate; to: LocalDate } {
  if (!isPeriod(period))
    throw invalid('the period is not valid', [{ at, reason: 'is not a month (YYYY-MM)' }]);
  return periodRange(period);
}

export interface AssessedRow {
  id: string;
  name: string;
  /** The collector's team; null on team rows. */
  team: string | null;
  rank: number;
  score: number | null;
  grade: string | null;
  /** Amount collected in the scheme's currency (minor units). */
  collected: number;
  targets: Targets;
  counts: CollectorCounts;
  kpis: Kpis;
  cells: Record<KpiName, KpiCell>;
}

export interface PerformanceReport {
  period: string;
  from: LocalDate;
  to: LocalDate;
  attributionDays: number;
  scheme: AssessmentScheme;
  collectors: AssessedRow[];
  teams: AssessedRow[];
}

function ranked(
  rows: {
    id: string;
    name: string;
    team: string | null;
    counts: CollectorCounts;
    targets: Targets;
  }[],
  scheme: AssessmentScheme,
): AssessedRow[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  return leaderboard(rows.map((r) => assessRow(kpis(r.counts), r.targets, scheme))).map(
    (a: RankedRow) => {
      const r = byId.get(a.id)!;
      return {
        id: a.id,
        name: r.name,
        team: r.team,
        rank: a.rank,
        score: a.score,
        grade: a.grade,
        collected: a.collected,
        targets: r.targets,
        counts: r.counts,
        kpis: kpis(r.counts),
        cells: a.kpis,
      };
    },
  );
}

/** The period's counts of every collector, with the targets and the scheme. */
export async function periodData(
  deps: PerformanceDeps,
  period: string,
): Promise<{
  range: { from: LocalDate; to: LocalDate };
  rows: CollectorPeriod[];
  targets: TargetsDoc;
  scheme: AssessmentScheme;
}> {
  const range = checkPeriod(period);
  const policy = await deps.policies.ledgerPolicy();
  const currentBuckets = [
    ...new Set(
      Object.values(policy).flatMap((pp) =>
        pp.buckets.filter((b) => b.min === 0).map((b) => b.name),
      ),
    ),
  ];
  const [rows, targets, scheme] = await Promise.all([
    deps.performance.counts({
      ...range,
      timezone: deps.timezone,
      attributionDays: ATTRIBUTION_DAYS,
      currentBuckets,
    }),
    deps.performance.targets(period),
    deps.performance.scheme(),
  ]);
  return { range, rows, targets, scheme };
}

/**
 * The assessment table of a period: every collector ranked (within the team when one is
 * given; one collector's row when `collector` is given, ranked among all), and the teams.
 */
export async function performanceReport(
  deps: PerformanceDeps,
  period: string,
  o: { team?: string | undefined; collector?: string | undefined } = {},
): Promise<PerformanceReport> {
  const [data, teams] = await Promise.all([periodData(deps, period), deps.performance.teams()]);
  return assessPeriod(period, data, teams, o);
}

/** The assessment table of loaded period data (see performanceReport). */
export function assessPeriod(
  period: string,
  { range, rows, targets, scheme }: Awaited<ReturnType<typeof periodData>>,
  teams: readonly { id: string; name: string }[],
  o: { team?: string | undefined; collector?: string | undefined } = {},
): PerformanceReport {
  if (o.team !== undefined && !teams.some((t) => t.id === o.team)) throw notFound(`team ${o.team}`);
  if (o.collector !== undefined && !rows.some((r) => r.counts.id === o.collector))
    throw notFound(`collector ${o.collector}`);
  const members = rows.filter((r) => o.team === undefined || r.team === o.team);
  const collectors = ranked(
    members.map((r) => ({
      id: r.counts.id,
      name: r.name,
      team: r.team,
      counts: r.counts,
      targets: targetsFor(
        targets.collectors[r.counts.id],
        r.team === null ? undefined : targets.teams[r.team],
      ),
    })),
    scheme,
  ).filter((r) => o.collector === undefined || r.id === o.collector);
  const teamRows =
    o.collector !== undefined
      ? []
      : ranked(
          teams
            .filter((t) => o.team === undefined || t.id === o.team)
            .map((t) => ({
              id: t.id,
              name: t.name,
              team: null,
              counts: sumCounts(
                t.id,
                rows.filter((r) => r.team === t.id).map((r) => r.counts),
              ),
              targets: targets.teams[t.id] ?? {},
            })),
          scheme,
        );
  return {
    period,
    ...range,
    attributionDays: ATTRIBUTION_DAYS,
    scheme,
    collectors,
    teams: teamRows,
  };
}

export async function getTargets(
  deps: PerformanceDeps,
  period: string,
): Promise<TargetsDoc & { period: string }> {
  checkPeriod(period);
  return { period, ...(await deps.performance.targets(period)) };
}

/** Replaces the targets of a period: every KPI checked, every collector and team known. */
export async function setTargets(
  deps: PerformanceDeps,
  period: string,
  doc: unknown,
  by: string,
  now: Date,
): Promise<TargetsDoc & { period: string }> {
  checkPeriod(period);
  const d = (typeof doc === 'object' && doc !== null ? doc : {}) as Record<string, unknown>;
  const errors: string[] = [];
  const [collectors, teams] = await Promise.all([
    deps.performance.collectors(),
    deps.performance.teams(),
  ]);
  const known = { collectors: collectors.map((c) => c.id), teams: teams.map((t) => t.id) };
  const out: TargetsDoc = { collectors: {}, teams: {} };
  for (const scope of ['collectors', 'teams'] as const) {
    const v = d[scope] ?? {};
    if (typeof v !== 'object' || v === null || Array.isArray(v)) {
      errors.push(`${scope}: must map ${scope === 'teams' ? 'team' : 'collector'} ids to targets`);
      continue;
    }
    for (const [id, t] of Object.entries(v)) {
      if (!known[scope].includes(id)) {
        errors.push(`${scope}.${id}: no ${scope === 'teams' ? 'team' : 'collector'} "${id}"`);
        continue;
      }
      const e = validateTargets(t, `${scope}.${id}`);
      errors.push(...e);
      if (e.length === 0) out[scope][id] = t as Targets;
    }
  }
  for (const k of Object.keys(d))
    if (k !== 'collectors' && k !== 'teams' && k !== 'period')
      errors.push(`${k}: unknown field (collectors, teams)`);
  if (errors.length > 0) throw invalid('the targets are not valid', detailsOf(errors));
  await deps.performance.setTargets(period, out, by, now);
  return { period, ...out };
}

export async function setScheme(deps: PerformanceDeps, doc: unknown): Promise<AssessmentScheme> {
  const d = checked<AssessmentScheme>(doc, validateScheme, 'assessment scheme');
  const scheme: AssessmentScheme = {
    weights: d.weights,
    directions: d.directions,
    capPercent: d.capPercent,
    bands: d.bands.map((b) => ({ grade: b.grade, minScore: b.minScore })),
    fallbackGrade: d.fallbackGrade,
    currency: d.currency,
  };
  await deps.performance.saveScheme(scheme);
  return scheme;
}

export interface ComplaintInput {
  collector: string;
  account?: string | undefined;
  receivedOn: string;
  summary: string;
  breach?: boolean | undefined;
}

/** A complaint about a collector; `breach` when upheld as a breach of the contact rules. */
export async function recordComplaint(
  deps: PerformanceDeps,
  input: ComplaintInput,
  by: string,
  today: LocalDate,
  now: Date,
): Promise<StoredComplaint> {
  const details: ErrorDetail[] = [];
  if (!isLocalDate(input.receivedOn))
    details.push({ at: 'receivedOn', reason: 'is not a date (YYYY-MM-DD)' });
  else if (input.receivedOn > today)
    details.push({ at: 'receivedOn', reason: `is after today (${today})` });
  if (input.summary.trim() === '') details.push({ at: 'summary', reason: 'is required' });
  if (details.length > 0) throw invalid('the complaint is not valid', details);
  const r = await deps.performance.addComplaint(
    {
      collector: input.collector,
      account: input.account ?? null,
      receivedOn: input.receivedOn,
      summary: input.summary.trim(),
      breach: input.breach ?? false,
      recordedBy: by,
    },
    now,
  );
  if ('missing' in r)
    throw notFound(
      r.missing === 'collector' ? `collector ${input.collector}` : `account ${input.account}`,
    );
  return r;
}

export async function listComplaints(
  deps: PerformanceDeps,
  period: string,
  collector?: string,
): Promise<StoredComplaint[]> {
  const { from, to } = checkPeriod(period);
  return deps.performance.complaints(from, to, collector);
}
