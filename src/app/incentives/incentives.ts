/**
 * Collectors' monthly incentive statements: commission on what was credited to them by bucket,
 * the bonus for their grade or score in the period's assessment, deductions for complaints
 * upheld as compliance breaches; the rules, and the statements as CSV.
 */
import {
  monthlyStatement,
  statementsCsv,
  validateRules,
  type Breach,
  type IncentiveRules,
  type Statement,
} from '../../domain/incentives/statement.ts';
import { notFound } from '../shared/errors.ts';
import {
  assessPeriod,
  checked,
  periodData,
  type PerformanceDeps,
} from '../performance/performance.ts';

export interface CollectorStatement extends Statement {
  name: string;
  team: string | null;
  /** The assessment the bonus was read from. */
  assessment: { score: number | null; grade: string | null; rank: number };
  /** What the commission was paid on: minor units of the rules' currency by bucket. */
  collectedByBucket: Record<string, number>;
  breaches: Breach[];
}

/** Every collector's statement for the period (or one collector's). */
export async function statements(
  deps: PerformanceDeps,
  period: string,
  collector?: string,
): Promise<{ period: string; currency: string; statements: CollectorStatement[] }> {
  const [data, teams, rules] = await Promise.all([
    periodData(deps, period),
    deps.performance.teams(),
    deps.performance.rules(),
  ]);
  const report = assessPeriod(period, data, teams);
  if (collector !== undefined && !data.rows.some((r) => r.counts.id === collector))
    throw notFound(`collector ${collector}`);
  const breaches = await deps.performance.breaches(data.range.from, data.range.to);
  const assessed = new Map(report.collectors.map((r) => [r.id, r]));
  const list = data.rows
    .filter((r) => collector === undefined || r.counts.id === collector)
    .map((r): CollectorStatement => {
      const id = r.counts.id;
      const a = assessed.get(id)!;
      const collected = { ...(r.collectedByBucket[rules.currency] ?? {}) };
      const b = breaches.get(id) ?? [];
      return {
        ...monthlyStatement(
          id,
          period,
          collected,
          { id, kpis: a.cells, collected: a.collected, score: a.score, grade: a.grade },
          b,
          rules,
        ),
        name: r.name,
        team: r.team,
        assessment: { score: a.score, grade: a.grade, rank: a.rank },
        collectedByBucket: collected,
        breaches: b,
      };
    })
    .sort((x, y) => (x.collector < y.collector ? -1 : x.collector > y.collector ? 1 : 0));
  return { period, currency: rules.currency, statements: list };
}

/** The period's statements as CSV, one row per line. */
export async function statementsAsCsv(
  deps: PerformanceDeps,
  period: string,
  collector?: string,
): Promise<string> {
  return statementsCsv((await statements(deps, period, collector)).statements);
}

export async function setRules(deps: PerformanceDeps, doc: unknown): Promise<IncentiveRules> {
  const d = checked<IncentiveRules>(doc, validateRules, 'incentive rules');
  const rules: IncentiveRules = {
    currency: d.currency,
    commission: d.commission.map((c) => ({
      bucket: c.bucket,
      tiers: c.tiers.map((t) => ({ upTo: t.upTo, rateBp: t.rateBp })),
    })),
    bonus: d.bonus,
    deductions: { perBreach: d.deductions.perBreach, capBp: d.deductions.capBp },
  };
  await deps.performance.saveRules(rules);
  return rules;
}
