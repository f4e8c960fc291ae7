/**
 * The scorecard as a reader sees it: per characteristic, its bins with counts, event rate,
 * WoE, IV and points; then the left-out candidates with their reasons, the bands and the
 * measures. Plain text, fixed-width columns.
 */
import type { ScorecardModel } from './model.ts';

const f = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : '-');

function table(rows: string[][], rightFrom = 1): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i >= rightFrom ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

export function formatScorecard(model: ScorecardModel): string {
  const lines: string[] = [];
  const s = model.scaling;
  lines.push(`${model.name} (trained ${model.trainedAt})`);
  if (model.description) lines.push(model.description);
  lines.push(
    `target ${model.target.column} (event = ${model.target.event}); ${model.data.rows} rows, ` +
      `${model.data.events} events; data ${model.data.fingerprint}`,
  );
  if (model.data.split)
    lines.push(
      `trained on ${model.data.split.trainRows} rows, tested on ${model.data.split.testRows} ` +
        `(stratified holdout ${model.data.split.holdout}, seed ${model.data.split.seed})`,
    );
  lines.push(
    `scaling: ${s.baseScore} points at odds ${s.baseOdds}:1, ${s.pdo} points to double the odds; ` +
      `base points ${model.basePoints}`,
  );
  const m = model.metrics;
  const measure = (name: string, x: NonNullable<typeof m.test>) =>
    `${name}: n ${x.n}, AUC ${f(x.auc, 4)}, KS ${f(x.ks, 4)}, Gini ${f(x.gini, 4)}, Brier ${f(x.brier, 4)}`;
  lines.push(measure('train', m.train));
  if (m.test) lines.push(measure('test', m.test));
  lines.push('');
  for (const c of model.characteristics) {
    lines.push(
      `${c.name} (${c.kind}${c.kind === 'numeric' ? `, ${c.trend}` : ''}; IV ${f(c.iv, 4)}; ` +
        `coefficient ${f(c.coefficient, 4)} ± ${f(c.standardError, 4)})`,
    );
    const rows = [
      ['  bin', 'count', 'share', 'events', 'event rate', 'WoE', 'IV', 'points'],
      ...c.bins.map((b) => [
        `  ${b.label}`,
        String(b.count),
        `${f((100 * b.count) / Math.max(1, m.train.n), 1)} %`,
        String(b.events),
        `${f(100 * b.eventRate, 1)} %`,
        f(b.woe, 4),
        f(b.iv, 4),
        String(b.points),
      ]),
    ];
    lines.push(...table(rows), '');
  }
  const left = model.candidates.filter((c) => !c.selected);
  if (left.length > 0) {
    lines.push('not in the scorecard:');
    lines.push(
      ...table(
        [
          ['  characteristic', 'IV', 'reason'],
          ...left.map((c) => [`  ${c.name}`, c.iv === null ? '-' : f(c.iv, 4), c.reason]),
        ],
        1,
      ).map((l) => l),
      '',
    );
  }
  lines.push('bands:');
  const cal = new Map((m.calibration.test ?? m.calibration.train).map((r) => [r.band, r]));
  const bandRows = [
    ['  band', 'scores', 'rows', 'event rate', 'predicted'],
    ...model.bands.map((b, i) => {
      const upper = i === 0 ? null : model.bands[i - 1]!.minScore;
      const range =
        b.minScore === null
          ? upper === null
            ? 'all'
            : `< ${upper}`
          : upper === null
            ? `≥ ${b.minScore}`
            : upper - 1 < b.minScore
              ? 'none (tied scores)'
              : `${b.minScore} – ${upper - 1}`;
      const r = cal.get(b.name);
      return [
        `  ${b.name}`,
        range,
        String(r?.n ?? 0),
        r ? `${f(100 * r.eventRate, 1)} %` : '-',
        r ? `${f(100 * r.meanPredicted, 1)} %` : '-',
      ];
    }),
  ];
  lines.push(...table(bandRows, 2));
  lines.push(`  (event rates on the ${m.calibration.test ? 'test' : 'training'} rows)`);
  return `${lines.join('\n')}\n`;
}
