/**
 * `recoup score` as a user runs it, end to end through the binary on temporary files: train,
 * evaluate, apply, report and split on a seeded synthetic table (numeric and categorical
 * columns, missing cells, an id and an excluded column); the delimiters; the split being the
 * same as the holdout; bad input rejected with a clear message and exit code 1; and the UCI
 * Taiwan credit card data with the card feature spec when the file is there.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRandom } from '../../src/domain/portfolio/random.ts';

const dir = mkdtempSync(join(tmpdir(), 'recoup-score-'));
const at = (name: string) => join(dir, name);
const CARD_SPEC = 'scorecards/card-statement-features.yaml';

interface Run {
  code: number | null;
  out: string;
  err: string;
}

/** Runs `recoup score …` as a child process (several may run at once). */
function score(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/recoup.mjs', 'score', ...args], {
      env: { ...process.env, RECOUP_DATA_DIR: dir },
    });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (out += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (err += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

/** Runs and expects exit code 0, with stderr in the failure message. */
async function ok(...args: string[]): Promise<Run> {
  const r = await score(...args);
  expect(r.code, `recoup score ${args.join(' ')}\n${r.err}`).toBe(0);
  return r;
}

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Model;

/** The parts of the model document the tests look at. */
interface Model {
  format: string;
  formatVersion: number;
  name: string;
  trainedAt: string;
  target: { column: string; event: string; nonEvent: string };
  id?: string;
  excluded: string[];
  data: {
    fingerprint: string;
    rows: number;
    columns: string[];
    split: { seed: string; holdout: number; trainRows: number; testRows: number } | null;
  };
  characteristics: {
    name: string;
    kind: string;
    iv: number;
    bins: { label: string; missing?: boolean; woe: number; iv: number; points: number }[];
  }[];
  candidates: {
    name: string;
    kind: string;
    iv: number | null;
    selected: boolean;
    reason: string;
  }[];
  bands: { name: string; minScore: number | null }[];
  metrics: {
    train: { n: number; auc: number };
    test: {
      n: number;
      events: number;
      auc: number;
      ks: number;
      gini: number;
      brier: number;
    } | null;
  };
}

/** The model without what differs between two trainings on the same rows from another file. */
function comparable(m: Model): unknown {
  const { trainedAt: _at, data, ...rest } = structuredClone(m);
  const { fingerprint: _fingerprint, ...sameData } = data;
  return { ...rest, data: sameData };
}

const sha256 = (file: string) =>
  `sha256:${createHash('sha256').update(readFileSync(file)).digest('hex')}`;

/** A comma-separated file as rows of cells (the CLI's output quotes nothing these tests read). */
function readCsv(file: string): { header: string[]; rows: string[][] } {
  const lines = readFileSync(file, 'utf8').split('\n');
  while (lines.at(-1) === '') lines.pop();
  const [head, ...rest] = lines.map((l) => l.split(','));
  return { header: head!, rows: rest };
}

// ---- the synthetic table ------------------------------------------------------------------

const HEADER = [
  'customer_id',
  'age',
  'income',
  'utilisation',
  'days_late',
  'region',
  'tenure_months',
  'noise',
  'product',
  'collector_flag',
  'outcome',
];
const ROWS = 3000;
const MISSING_WORDS = ['', 'NA', 'null', 'N/A'];

/**
 * Risk rises with days late and utilisation, falls with income, age and tenure; the south is
 * riskier; `noise` carries nothing (yet may be picked: its bins are fitted to the labels);
 * `product` is constant; `collector_flag` is a leak (it mostly is the outcome) that
 * only --exclude keeps out.
 */
function syntheticRows(seed = 2026, n = ROWS): string[][] {
  const rng = createRandom(`score-cli:${seed}`);
  const regions = ['north', 'south', 'east', 'west', 'central'];
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const age = rng.int(19, 79);
    const income = Math.round(rng.lognormal(32_000, 0.5, 6_000, 400_000));
    const utilisation = Math.min(1.6, Math.max(0, rng.normal(0.55, 0.3)));
    const daysLate = rng.chance(0.55) ? 0 : rng.int(1, 120);
    const region = rng.pick(regions);
    const tenure = rng.int(1, 240);
    const logit =
      -1.6 +
      0.022 * daysLate +
      1.4 * (utilisation - 0.55) -
      0.7 * Math.log(income / 32_000) -
      0.015 * (age - 45) -
      0.003 * (tenure - 120) +
      (region === 'south' ? 0.7 : region === 'north' ? -0.3 : 0);
    const event = rng.chance(1 / (1 + Math.exp(-logit)));
    rows.push([
      `C${100_000 + i}`,
      rng.chance(0.03) ? '' : String(age),
      rng.chance(0.08) ? rng.pick(MISSING_WORDS) : String(income),
      rng.chance(0.04) ? rng.pick(MISSING_WORDS) : utilisation.toFixed(3),
      String(daysLate),
      rng.chance(0.05) ? rng.pick(['', 'NA']) : region,
      String(tenure),
      rng.uniform(0, 100).toFixed(2),
      'card',
      (rng.chance(0.9) ? event : !event) ? 'Y' : 'N',
      event ? 'yes' : 'no',
    ]);
  }
  return rows;
}

const text = (header: readonly string[], rows: readonly string[][], d = ',') =>
  [header, ...rows].map((r) => r.join(d)).join('\n') + '\n';

const rows = syntheticRows();
const DATA = at('synthetic.csv');
const MODEL = at('model.json');
const COMMON = ['--target', 'outcome', '--id', 'customer_id', '--exclude', 'collector_flag'];

let model: Model;
let trainRun: Run;

beforeAll(async () => {
  writeFileSync(DATA, text(HEADER, rows));
  trainRun = await score('train', '--data', DATA, ...COMMON, '--name', 'synthetic', '--out', MODEL);
  expect(trainRun.code, trainRun.err).toBe(0);
  model = readJson(MODEL);
}, 60_000);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('recoup score on a synthetic table', () => {
  it('train writes a model and prints the train and test measures', () => {
    expect(trainRun.out).toMatch(/^trained synthetic: \d+ characteristics of \d+ candidates/);
    expect(trainRun.out).toMatch(
      /^train: n 2100, AUC 0\.\d{4}, KS 0\.\d{4}, Gini 0\.\d{4}, Brier 0\.\d{4}$/m,
    );
    expect(trainRun.out).toMatch(
      /^test: n 900, AUC 0\.\d{4}, KS 0\.\d{4}, Gini 0\.\d{4}, Brier 0\.\d{4}$/m,
    );
    expect(trainRun.out).toContain(`model written to ${MODEL}`);

    expect(model.format).toBe('recoup-scorecard');
    expect(model.formatVersion).toBe(1);
    expect(model.name).toBe('synthetic');
    expect(model.target).toEqual({ column: 'outcome', event: 'yes', nonEvent: 'no' });
    expect(model.id).toBe('customer_id');
    expect(model.excluded).toEqual(['collector_flag']);
    expect(model.data.fingerprint).toBe(sha256(DATA));
    expect(model.data.rows).toBe(ROWS);
    expect(model.data.columns).toEqual(HEADER);
    expect(model.data.split).toEqual({ seed: '1', holdout: 0.3, trainRows: 2100, testRows: 900 });

    // every column but the id, the excluded one and the target is a candidate, with a reason
    const names = model.candidates.map((c) => c.name);
    expect([...names].sort()).toEqual(
      [
        'age',
        'income',
        'utilisation',
        'days_late',
        'region',
        'tenure_months',
        'noise',
        'product',
      ].sort(),
    );
    for (const c of model.candidates) {
      expect(c.reason, c.name).toMatch(/\S/);
      expect(c.selected, c.name).toBe(c.reason === 'selected');
    }
    const selected = model.candidates.filter((c) => c.selected).map((c) => c.name);
    expect(model.characteristics.map((c) => c.name).sort()).toEqual([...selected].sort());
    expect(selected).toEqual(expect.arrayContaining(['days_late', 'utilisation', 'income']));
    expect(model.candidates.find((c) => c.name === 'product')).toMatchObject({
      kind: 'unusable',
      iv: null,
      selected: false,
      reason: 'unusable: constant',
    });
    const region = model.candidates.find((c) => c.name === 'region')!;
    expect(region.kind).toBe('categorical');
    // income's empty, NA, null and N/A cells are one missing bin of their own
    const income = model.characteristics.find((c) => c.name === 'income')!;
    expect(income.kind).toBe('numeric');
    expect(income.bins.filter((b) => b.missing)).toHaveLength(1);

    const test = model.metrics.test!;
    expect(test).not.toBeNull();
    expect(test.n).toBe(900);
    for (const k of ['auc', 'ks', 'gini', 'brier'] as const) expect(test[k]).toBeTypeOf('number');
    expect(test.auc).toBeGreaterThan(0.7);
    expect(test.gini).toBeCloseTo(2 * test.auc - 1, 12);
    expect(model.metrics.train.n).toBe(2100);
  });

  it('evaluate prints one JSON object: n, auc, ks, gini, brier', async () => {
    const r = await ok('evaluate', '--model', MODEL, '--data', DATA);
    const lines = r.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    const e = JSON.parse(lines[0]!) as Record<string, unknown>;
    expect(Object.keys(e).sort()).toEqual(['auc', 'brier', 'gini', 'ks', 'n']);
    for (const v of Object.values(e)) expect(v).toBeTypeOf('number');
    expect(e.n).toBe(ROWS);
    expect(e.auc as number).toBeGreaterThan(0.7);
    expect(e.auc as number).toBeLessThan(1);
    expect(e.gini as number).toBeCloseTo(2 * (e.auc as number) - 1, 12);
    expect(e.ks as number).toBeGreaterThan(0);
    expect(e.brier as number).toBeGreaterThan(0);
  });

  it('apply writes one row per input row, the same every time', async () => {
    const [a, b] = await Promise.all([
      ok('apply', '--model', MODEL, '--data', DATA, '--out', at('scores-a.csv')),
      ok('apply', '--model', MODEL, '--data', DATA, '--out', at('scores-b.csv')),
    ]);
    expect(a.out).toContain(`${ROWS} rows scored into ${at('scores-a.csv')}`);
    expect(b.code).toBe(0);
    const scores = readCsv(at('scores-a.csv'));
    expect(scores.header).toEqual([
      'customer_id',
      'score',
      'probability',
      'band',
      'reason_1',
      'reason_1_points_lost',
      'reason_2',
      'reason_2_points_lost',
      'reason_3',
      'reason_3_points_lost',
    ]);
    expect(scores.rows).toHaveLength(ROWS);
    expect(scores.rows.map((r) => r[0])).toEqual(rows.map((r) => r[0]));
    const bands = model.bands.map((x) => x.name);
    const characteristics = model.characteristics.map((c) => c.name);
    for (const r of scores.rows) {
      expect(r).toHaveLength(10);
      expect(Number.isInteger(Number(r[1]))).toBe(true);
      const p = Number(r[2]);
      expect(p > 0 && p < 1, r.join(',')).toBe(true);
      expect(bands).toContain(r[3]);
      for (const k of [4, 6, 8]) {
        if (r[k] === '') expect(r[k + 1]).toBe('');
        else {
          expect(characteristics).toContain(r[k]);
          expect(Number(r[k + 1])).toBeGreaterThan(0);
        }
      }
    }
    expect(readFileSync(at('scores-b.csv'), 'utf8')).toBe(readFileSync(at('scores-a.csv'), 'utf8'));

    // --reasons 1 keeps the first reason of each row
    await ok(
      'apply',
      '--model',
      MODEL,
      '--data',
      DATA,
      '--out',
      at('scores-1.csv'),
      '--reasons',
      '1',
    );
    const one = readCsv(at('scores-1.csv'));
    expect(one.header).toEqual(scores.header.slice(0, 6));
    expect(one.rows).toEqual(scores.rows.map((r) => r.slice(0, 6)));
  });

  it('report prints the characteristics with their bins, WoE, IV and points', async () => {
    const r = await ok('report', '--model', MODEL);
    expect(r.out).toContain('synthetic (trained ');
    expect(r.out).toContain(`data ${model.data.fingerprint}`);
    expect(r.out).toMatch(/^ {2}bin\s+count\s+share\s+events\s+event rate\s+WoE\s+IV\s+points$/m);
    for (const c of model.characteristics) {
      expect(r.out).toMatch(new RegExp(`^${c.name} \\(${c.kind}.*IV ${c.iv.toFixed(4)}`, 'm'));
      for (const b of c.bins) {
        const line = r.out.split('\n').find((l) => l.startsWith(`  ${b.label} `));
        expect(line, `${c.name} ${b.label}`).toBeDefined();
      }
      // the points of the first bin, on a line with its WoE and IV
      const b = c.bins[0]!;
      expect(r.out).toMatch(
        new RegExp(`${b.woe.toFixed(4)}\\s+${b.iv.toFixed(4)}\\s+${b.points}$`, 'm'),
      );
    }
    expect(r.out).toContain('not in the scorecard:');
    expect(r.out).toMatch(/^ {2}product\s+-\s+unusable: constant$/m);
    expect(r.out).toContain('bands:');
  });

  it('trains the same model from ; and tab files, the delimiter guessed or named', async () => {
    writeFileSync(at('semicolon.csv'), text(HEADER, rows, ';'));
    writeFileSync(at('tab.tsv'), text(HEADER, rows, '\t'));
    const train = (file: string, out: string, ...extra: string[]) =>
      ok('train', '--data', file, ...COMMON, '--name', 'synthetic', '--out', at(out), ...extra);
    await Promise.all([
      train(at('semicolon.csv'), 'm-semicolon.json'),
      train(at('tab.tsv'), 'm-tab.json'),
    ]);
    await train(at('tab.tsv'), 'm-tab-named.json', '--delimiter', 'tab');
    for (const [file, data] of [
      ['m-semicolon.json', 'semicolon.csv'],
      ['m-tab.json', 'tab.tsv'],
      ['m-tab-named.json', 'tab.tsv'],
    ] as const) {
      const m = readJson(at(file));
      expect(m.data.fingerprint).toBe(sha256(at(data)));
      expect(m.characteristics, file).toEqual(model.characteristics);
      expect(comparable(m), file).toEqual(comparable(model));
    }
    // the model scores a ; file as it does the comma one
    await ok('apply', '--model', MODEL, '--data', at('semicolon.csv'), '--out', at('s-semi.csv'));
    await ok('apply', '--model', MODEL, '--data', DATA, '--out', at('s-comma.csv'));
    expect(readFileSync(at('s-semi.csv'), 'utf8')).toBe(readFileSync(at('s-comma.csv'), 'utf8'));
  });

  it('trains the same characteristics on a 0/1 target as on yes/no', async () => {
    const binary = rows.map((r) => [...r.slice(0, -1), r.at(-1) === 'yes' ? '1' : '0']);
    writeFileSync(at('binary.csv'), text(HEADER, binary));
    await ok(
      'train',
      '--data',
      at('binary.csv'),
      ...COMMON,
      '--name',
      'synthetic',
      '--out',
      at('m-binary.json'),
    );
    const m = readJson(at('m-binary.json'));
    expect(m.target).toEqual({ column: 'outcome', event: '1', nonEvent: '0' });
    expect(m.characteristics).toEqual(model.characteristics);
    expect(m.metrics).toEqual(model.metrics);
    const e = await ok('evaluate', '--model', at('m-binary.json'), '--data', at('binary.csv'));
    const y = await ok('evaluate', '--model', MODEL, '--data', DATA);
    expect(JSON.parse(e.out)).toEqual(JSON.parse(y.out));
  });

  it('split, train on one part, evaluate on the other: the test AUC of the holdout', async () => {
    const split = await ok(
      'split',
      '--data',
      DATA,
      '--target',
      'outcome',
      '--seed',
      '7',
      '--holdout',
      '0.3',
      '--train',
      at('part-train.csv'),
      '--test',
      at('part-test.csv'),
    );
    expect(split.out).toContain(
      `2100 rows to ${at('part-train.csv')}, 900 rows to ${at('part-test.csv')}`,
    );
    const train = readCsv(at('part-train.csv'));
    const test = readCsv(at('part-test.csv'));
    expect(train.header).toEqual(HEADER);
    expect(test.header).toEqual(HEADER);
    // every row in exactly one part, as it was; the events shared alike
    const ids = (x: { rows: string[][] }) => x.rows.map((r) => r[0]);
    expect([...ids(train), ...ids(test)].sort()).toEqual(rows.map((r) => r[0]).sort());
    const byId = new Map(rows.map((r) => [r[0], r.join(',')]));
    for (const r of [...train.rows, ...test.rows]) expect(r.join(',')).toBe(byId.get(r[0]));
    const events = (x: { rows: string[][] }) => x.rows.filter((r) => r.at(-1) === 'yes').length;
    const all = rows.filter((r) => r.at(-1) === 'yes').length;
    expect(events(test)).toBe(Math.round(all * 0.3));
    expect(events(train)).toBe(all - Math.round(all * 0.3));

    const [, whole] = await Promise.all([
      ok(
        'train',
        '--data',
        at('part-train.csv'),
        ...COMMON,
        '--holdout',
        '0',
        '--out',
        at('m-part.json'),
      ),
      ok(
        'train',
        '--data',
        DATA,
        ...COMMON,
        '--seed',
        '7',
        '--holdout',
        '0.3',
        '--out',
        at('m-7.json'),
      ),
    ]);
    expect(whole.out).toMatch(/^test: n 900,/m);
    const part = readJson(at('m-part.json'));
    expect(part.data.split).toBeNull();
    expect(part.metrics.test).toBeNull();
    const held = readJson(at('m-7.json'));
    expect(part.characteristics).toEqual(held.characteristics);
    const r = await ok('evaluate', '--model', at('m-part.json'), '--data', at('part-test.csv'));
    const e = JSON.parse(r.out) as { n: number; auc: number; ks: number; brier: number };
    expect(e.n).toBe(900);
    expect(Math.abs(e.auc - held.metrics.test!.auc)).toBeLessThan(1e-12);
    expect(Math.abs(e.ks - held.metrics.test!.ks)).toBeLessThan(1e-12);
    expect(Math.abs(e.brier - held.metrics.test!.brier)).toBeLessThan(1e-12);
  });

  it('--features naming columns the data lacks: a VALIDATION error naming the entry', async () => {
    const out = at('m-card.json');
    const r = await score(
      'train',
      '--data',
      DATA,
      ...COMMON,
      '--features',
      CARD_SPEC,
      '--out',
      out,
    );
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^VALIDATION: the feature spec is not valid: /);
    // the first entry (worst_status: max of PAY_{0,2..6}) and its first column
    expect(r.err).toContain('features[0].max');
    expect(r.err).toContain('"PAY_0"');
    expect(r.err).toMatch(/^ {2}features\[0\]\.max: /m);
    expect(existsSync(out)).toBe(false);
  });

  // BUG: trainModel (app/scoring/scorecards.ts) derives the features (deriveFeaturesOnce) and
  // hands the derived table to trainScorecard, which derives them again (deriveFeatures): the
  // derived names are appended a second time, so every derived feature is binned twice and
  // listed twice in model.candidates, one copy with an empty reason.
  it('--features lists each derived candidate once, with a reason', async () => {
    const spec = at('features.yaml');
    writeFileSync(
      spec,
      [
        'features:',
        '  - name: late_per_income',
        '    ratio: [days_late, income]',
        '  - name: late_and_region',
        '    combine: [region, days_late]',
      ].join('\n') + '\n',
    );
    await ok('train', '--data', DATA, ...COMMON, '--features', spec, '--out', at('m-spec.json'));
    const m = readJson(at('m-spec.json'));
    const names = m.candidates.map((c) => c.name);
    expect(names).toHaveLength(10);
    expect(new Set(names).size).toBe(names.length);
    for (const c of m.candidates) expect(c.reason, c.name).toMatch(/\S/);
  });
});

describe('recoup score rejects bad input with exit code 1 and a clear message', () => {
  /** Trains on `csv` (written to a file): exit code 1, no model, and the stderr. */
  async function rejected(name: string, csv: string | null, ...extra: string[]): Promise<string> {
    const file = at(`${name}.csv`);
    if (csv !== null) writeFileSync(file, csv);
    const out = at(`${name}.json`);
    const r = await score('train', '--data', file, '--target', 'outcome', '--out', out, ...extra);
    expect(r.code, r.out).toBe(1);
    expect(existsSync(out)).toBe(false);
    expect(r.out).toBe('');
    return r.err;
  }
  const small = rows.slice(0, 200);

  it('a target column that is not there: named, with the columns listed', async () => {
    const err = await rejected('no-target', text(HEADER, small), '--target', 'defaulted');
    expect(err).toMatch(/^VALIDATION: /);
    expect(err).toContain('"defaulted" is not in the data');
    expect(err).toContain(`(columns: ${HEADER.join(', ')})`);
  });

  it('a target with three values: they are named', async () => {
    const three = small.map((r, i) => (i === 57 ? [...r.slice(0, -1), 'maybe'] : r));
    const err = await rejected('three', text(HEADER, three));
    expect(err).toMatch(/^VALIDATION: the target outcome is not binary/);
    for (const v of ['"yes"', '"no"', '"maybe"']) expect(err).toContain(v);
    expect(err).toContain('(data row 58)');
  });

  it('a target with one value', async () => {
    const one = small.map((r) => [...r.slice(0, -1), 'no']);
    const err = await rejected('one-value', text(HEADER, one));
    expect(err).toMatch(/^VALIDATION: the target outcome has only the value "no"/);
  });

  it('an empty file, a header without rows', async () => {
    const [empty, headerOnly] = await Promise.all([
      rejected('empty', ''),
      rejected('header-only', text(HEADER, [])),
    ]);
    expect(empty).toMatch(/^VALIDATION: .*empty\.csv: the file is empty/);
    expect(headerOnly).toMatch(
      /^VALIDATION: .*header-only\.csv: the file has a header but no rows/,
    );
  });

  it('a row with the wrong number of cells: the row is named', async () => {
    const bad = small.map((r, i) => (i === 3 ? r.slice(0, -2) : r));
    const err = await rejected('ragged', text(HEADER, bad));
    // line 5 of the file: the header, then the fourth row
    expect(err).toMatch(
      /^VALIDATION: .*ragged\.csv: line 5 has 9 cells, the header has 11 columns/,
    );
  });

  it('a column name used twice', async () => {
    const header = HEADER.map((h) => (h === 'noise' ? 'age' : h));
    const err = await rejected('duplicate', text(header, small));
    expect(err).toMatch(/^VALIDATION: .*the column name "age" appears twice \(columns 2 and 8\)/);
  });

  it('a --data file that does not exist', async () => {
    const err = await rejected('not-there', null);
    expect(err).toMatch(/^VALIDATION: .*not-there\.csv: cannot read the file/);
    expect(err).toContain('ENOENT');
  });

  it('a model file that is not a scorecard, for evaluate and apply', async () => {
    writeFileSync(at('not-a-model.json'), JSON.stringify({ name: 'x', characteristics: [] }));
    writeFileSync(at('not-json.json'), 'this is not JSON\n');
    const runs = await Promise.all([
      score('evaluate', '--model', at('not-a-model.json'), '--data', DATA),
      score('apply', '--model', at('not-a-model.json'), '--data', DATA, '--out', at('x1.csv')),
      score('evaluate', '--model', at('not-json.json'), '--data', DATA),
      score('apply', '--model', at('not-json.json'), '--data', DATA, '--out', at('x2.csv')),
      score('evaluate', '--model', at('no-such-model.json'), '--data', DATA),
    ]);
    for (const r of runs) {
      expect(r.code, r.err).toBe(1);
      expect(r.out).toBe('');
    }
    expect(runs[0]!.err).toMatch(
      /^VALIDATION: the model is not valid: format: expected "recoup-scorecard", got undefined/,
    );
    expect(runs[1]!.err).toBe(runs[0]!.err);
    expect(runs[2]!.err).toMatch(/^VALIDATION: the model .*not-json\.json is not valid JSON/);
    expect(runs[3]!.err).toBe(runs[2]!.err);
    expect(runs[4]!.err).toMatch(/^VALIDATION: cannot read the model .*no-such-model\.json/);
    expect(existsSync(at('x1.csv'))).toBe(false);
    expect(existsSync(at('x2.csv'))).toBe(false);
  });

  it('apply on data that lacks a characteristic: it is named', async () => {
    const drop = model.characteristics[0]!.name;
    const k = HEADER.indexOf(drop);
    const without = (r: readonly string[]) => r.filter((_, i) => i !== k);
    writeFileSync(at('lacking.csv'), text(without(HEADER), small.map(without)));
    const out = at('lacking-scores.csv');
    const r = await score('apply', '--model', MODEL, '--data', at('lacking.csv'), '--out', out);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^VALIDATION: the data lacks the model's characteristics: /);
    expect(r.err.split('\n')[0]).toContain(drop);
    expect(existsSync(out)).toBe(false);
  });
});

// ---- the UCI Taiwan credit card data ------------------------------------------------------

const TAIWAN =
  process.env.RECOUP_TAIWAN_CSV ??
  fileURLToPath(
    new URL(
      '../../../shared/data/uci-default-credit-card-taiwan/UCI_Credit_Card.csv',
      import.meta.url,
    ),
  );
const TARGET = 'default.payment.next.month';

describe.skipIf(!existsSync(TAIWAN))('recoup score on the UCI Taiwan credit card data', () => {
  it('split, train with the card features, evaluate: test AUC ≥ 0.775, as the holdout gives', async () => {
    const card = ['--target', TARGET, '--id', 'ID', '--features', CARD_SPEC];
    const [whole] = await Promise.all([
      ok('train', '--data', TAIWAN, ...card, '--seed', '42', '--out', at('tw-whole.json')),
      (async () => {
        await ok(
          'split',
          '--data',
          TAIWAN,
          '--seed',
          '42',
          '--holdout',
          '0.3',
          '--target',
          TARGET,
          '--train',
          at('tw-train.csv'),
          '--test',
          at('tw-test.csv'),
        );
        await ok(
          'train',
          '--data',
          at('tw-train.csv'),
          ...card,
          '--holdout',
          '0',
          '--out',
          at('tw-m.json'),
        );
      })(),
    ]);
    const r = await ok('evaluate', '--model', at('tw-m.json'), '--data', at('tw-test.csv'));
    const e = JSON.parse(r.out) as { n: number; auc: number };
    expect(e.n).toBe(9000);
    expect(e.auc).toBeGreaterThanOrEqual(0.775);

    expect(whole.out).toMatch(/^test: n 9000,/m);
    const m = readJson(at('tw-whole.json'));
    expect(m.data.split).toEqual({ seed: '42', holdout: 0.3, trainRows: 21000, testRows: 9000 });
    expect(m.data.fingerprint).toBe(sha256(TAIWAN));
    expect(m.metrics.test!.auc).toBeGreaterThanOrEqual(0.775);
    expect(Math.abs(m.metrics.test!.auc - e.auc)).toBeLessThan(1e-12);
    expect(m.characteristics).toEqual(readJson(at('tw-m.json')).characteristics);
  }, 60_000);
});
