/**
 * Strategies: every version with its status; a version's document in an editor that validates
 * as you type (messages in place, by path), saving a draft and publishing it with a reason and
 * an effective date; the flow chart (printable for the policy binder); the simulation of the
 * version against the champion side by side; the line changes between versions; and the pilots
 * (champion/challenger) with their results.
 */
import { useEffect, useMemo, useState } from 'react';
import { get, post, qs } from '../api.ts';
import { Async, Card, ErrorNote, Field, Table, useAction, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { go, href, useRoute } from '../router.ts';
import { useUser } from '../session.ts';
import { FlowChart, type Flow } from '../components/flow-chart.tsx';
import { minorToAmount } from '../money.ts';
import { Amounts } from '../components/minor.tsx';

export interface Version {
  id: number;
  strategyId: string;
  version: number;
  name: string;
  status: string;
  effectiveFrom: string | null;
  createdBy: string;
  createdAt: string;
  publishedBy: string | null;
  publishReason: string | null;
}
const EDITORS = new Set(['administrator', 'strategy_manager']);

export default function StrategiesView() {
  const route = useRoute();
  const [strategyId, version] = route.rest;
  const { t } = useI18n();
  if (strategyId === 'experiments') return <Experiments id={version} />;
  return (
    <div data-testid="strategies">
      <h1>{t('nav.strategies')}</h1>
      {strategyId && version ? (
        <VersionPage strategyId={strategyId} version={Number(version)} />
      ) : (
        <List />
      )}
    </div>
  );
}

function List() {
  const { t, date, tm } = useI18n();
  const list = useLoad(
    () => get<{ versions: Version[]; inForce: number | null }>('/api/strategies'),
    [],
  );
  return (
    <>
      <p>
        <a href={href('strategies', 'experiments')}>{t('strategy.experiments')}</a>
      </p>
      <Card title={t('strategy.versions')}>
        <Async state={list}>
          {(d) => (
            <Table
              rows={[...d.versions].reverse()}
              rowKey={(v) => v.id}
              columns={[
                {
                  key: 'n',
                  label: t('common.name'),
                  render: (v) => (
                    <a
                      href={href('strategies', v.strategyId, v.version)}
                      data-testid={`version-${v.strategyId}-${v.version}`}
                    >
                      {v.name} · {v.strategyId} v{v.version}
                    </a>
                  ),
                },
                {
                  key: 's',
                  label: t('common.status'),
                  render: (v) => (
                    <span className={v.id === d.inForce ? 'tag good' : 'tag'}>
                      {tm(`strategy.status.${v.status}`)}
                      {v.id === d.inForce ? ` · ${t('strategy.inForce')}` : ''}
                    </span>
                  ),
                },
                { key: 'e', label: t('strategy.effective'), render: (v) => date(v.effectiveFrom) },
                { key: 'b', label: t('strategy.by'), render: (v) => v.publishedBy ?? v.createdBy },
                { key: 'r', label: t('common.reason'), render: (v) => v.publishReason ?? '' },
              ]}
            />
          )}
        </Async>
      </Card>
    </>
  );
}

type Tab = 'document' | 'flow' | 'simulation' | 'changes';

function VersionPage({ strategyId, version }: { strategyId: string; version: number }) {
  const { t, tm } = useI18n();
  const route = useRoute();
  const tab = (route.query.get('tab') ?? 'document') as Tab;
  const v = useLoad(
    () =>
      get<Version & { source: string }>(
        `/api/strategies/${encodeURIComponent(strategyId)}/versions/${version}`,
      ),
    [strategyId, version],
  );
  const tabHref = (k: Tab) => `${href('strategies', strategyId, version)}?tab=${k}`;
  return (
    <Async state={v}>
      {(d) => (
        <>
          <p className="no-print">
            <a href={href('strategies')}>← {t('strategy.versions')}</a>
          </p>
          <h2>
            {d.name} · {d.strategyId} v{d.version}{' '}
            <span className="tag">{tm(`strategy.status.${d.status}`)}</span>
          </h2>
          <nav className="tabs no-print">
            {(['document', 'flow', 'simulation', 'changes'] as Tab[]).map((k) => (
              <a key={k} href={tabHref(k)} className={tab === k ? 'active' : undefined}>
                {t(`strategy.tab.${k}`)}
              </a>
            ))}
          </nav>
          {tab === 'document' && <Editor v={d} />}
          {tab === 'flow' && <FlowTab strategyId={strategyId} version={version} />}
          {tab === 'simulation' && <Simulation strategyId={strategyId} version={version} />}
          {tab === 'changes' && <Changes strategyId={strategyId} version={version} />}
        </>
      )}
    </Async>
  );
}

interface Problem {
  path: string;
  reason: string;
}

function Editor({ v }: { v: Version & { source: string } }) {
  const { t } = useI18n();
  const user = useUser();
  const canEdit = EDITORS.has(user.role);
  const [source, setSource] = useState(v.source);
  const [problems, setProblems] = useState<Problem[] | null>(null);
  const [reason, setReason] = useState('');
  const [effectiveFrom, setEffectiveFrom] = useState(() => new Date().toISOString().slice(0, 10));
  const changed = source !== v.source;
  // validate as the manager types (after a pause), and on demand
  const validate = useAction(async () => {
    const r = await post<{ valid: boolean; errors: Problem[] }>('/api/strategies/validate', {
      source,
    });
    setProblems(r.errors);
  });
  useEffect(() => {
    if (!canEdit || !changed) return;
    const h = setTimeout(() => void validate.run(), 600);
    return () => clearTimeout(h);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [source]);
  const lines = useMemo(
    () => (problems ?? []).map((p) => ({ ...p, line: lineOf(source, p.path) })),
    [problems, source],
  );
  const publish = useAction(async () => {
    const body = { by: user.id, reason, effectiveFrom };
    const saved =
      changed || v.status !== 'draft'
        ? await post<Version>('/api/strategies', { source, by: user.id, publish: body })
        : await post<Version>(
            `/api/strategies/${encodeURIComponent(v.strategyId)}/versions/${v.version}/publish`,
            body,
          );
    go('strategies', saved.strategyId, saved.version);
  });
  const draft = useAction(async () => {
    const saved = await post<Version>('/api/strategies', { source, by: user.id });
    go('strategies', saved.strategyId, saved.version);
  });
  const valid = problems !== null && problems.length === 0;
  return (
    <Card>
      <textarea
        data-testid="strategy-source"
        aria-label={t('strategy.document')}
        rows={28}
        spellCheck={false}
        readOnly={!canEdit}
        value={source}
        onChange={(e) => setSource(e.target.value)}
      />
      <div data-testid="validation" aria-live="polite">
        {problems !== null &&
          (valid ? (
            <p className="ok">{t('strategy.valid')}</p>
          ) : (
            <ul className="error" data-testid="validation-errors">
              {lines.map((p, i) => (
                <li key={i}>
                  {p.line !== null && <strong>{t('strategy.line', { line: p.line })} </strong>}
                  <code>{p.path || '/'}</code>: {p.reason}
                </li>
              ))}
            </ul>
          ))}
      </div>
      {validate.error && <ErrorNote error={validate.error} />}
      {canEdit && (
        <div className="form-row no-print">
          <button onClick={() => void validate.run()} data-testid="validate">
            {t('strategy.validate')}
          </button>
          <button onClick={() => void draft.run()} disabled={!changed || !valid || draft.busy}>
            {t('strategy.saveDraft')}
          </button>
          <Field label={t('strategy.effective')}>
            <input
              type="date"
              value={effectiveFrom}
              onChange={(e) => setEffectiveFrom(e.target.value)}
            />
          </Field>
          <Field label={t('common.reason')}>
            <input
              data-testid="publish-reason"
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              style={{ minWidth: 260 }}
            />
          </Field>
          <button
            className="primary"
            data-testid="publish"
            disabled={
              !reason.trim() ||
              publish.busy ||
              (changed && !valid) ||
              (!changed && v.status === 'published')
            }
            onClick={() => void publish.run()}
          >
            {t('strategy.publish')}
          </button>
        </div>
      )}
      {(publish.error ?? draft.error) && <ErrorNote error={(publish.error ?? draft.error)!} />}
    </Card>
  );
}

/**
 * The line of a YAML document a validation path points at (`segments[1].steps[0].channel`), by
 * following keys and list items down the indentation; null when it cannot be found.
 */
export function lineOf(source: string, path: string): number | null {
  const parts = path
    .replace(/^\//, '')
    .split(/[./]|\[(\d+)\]/)
    .filter((p) => p !== undefined && p !== '');
  const lines = source.split('\n');
  let from = 0;
  let indent = -1;
  let found: number | null = null;
  for (const part of parts) {
    const index = /^\d+$/.test(part) ? Number(part) : null;
    let seen = -1;
    let hit: number | null = null;
    for (let i = from; i < lines.length; i++) {
      const l = lines[i]!;
      if (!l.trim() || l.trim().startsWith('#')) continue;
      const ind = l.length - l.trimStart().length;
      if (ind <= indent && i > from) break;
      const body = l.trimStart();
      if (index !== null) {
        if (body.startsWith('- ') || body === '-') {
          seen++;
          if (seen === index) {
            hit = i;
            indent = ind;
            break;
          }
        }
      } else if (body.replace(/^- /, '').startsWith(part + ':')) {
        hit = i;
        indent = ind + (body.startsWith('- ') ? 2 : 0);
        break;
      }
    }
    if (hit === null) return found;
    found = hit + 1;
    from = hit + (index !== null ? 0 : 1);
    if (index !== null) from = hit;
  }
  return found;
}

function FlowTab({ strategyId, version }: { strategyId: string; version: number }) {
  const { t } = useI18n();
  const flow = useLoad(
    () => get<Flow>(`/api/strategies/${encodeURIComponent(strategyId)}/versions/${version}/flow`),
    [strategyId, version],
  );
  return (
    <Card
      title={t('strategy.flowTitle')}
      actions={
        <button className="no-print" onClick={() => print()}>
          {t('shell.print')}
        </button>
      }
    >
      <Async state={flow}>{(f) => <FlowChart flow={f} />}</Async>
    </Card>
  );
}

interface Side {
  name: string;
  status?: string;
  accounts: number;
  delinquentAtStart: number;
  cured: number;
  cureRate: number | null;
  cureRateCi: [number, number] | null;
  rollForwardRate: number | null;
  recoveryRate: number | null;
  collected: Record<string, number>;
  cost?: number;
  costCurrency?: string;
  promises?: number;
  promisesKept?: number;
  actions: Record<string, number>;
  complianceBlocked?: Record<string, number>;
  vsChampion?: { cureDifference: number; cureCi: number[]; curePValue: number } | null;
}
interface SimulationResult {
  from: string;
  to: string;
  days: number;
  accounts: number;
  candidate: Side;
  champion: Side | null;
  observed: Side;
}

function Simulation({ strategyId, version }: { strategyId: string; version: number }) {
  const { t, pct, num, money, date, tm } = useI18n();
  const [days, setDays] = useState(30);
  const [result, setResult] = useState<SimulationResult | null>(null);
  const run = useAction(async () =>
    setResult(
      await post<SimulationResult>(
        `/api/strategies/${encodeURIComponent(strategyId)}/versions/${version}/simulate`,
        {
          days,
        },
      ),
    ),
  );
  const shown: ['candidate' | 'champion' | 'observed', Side][] = result
    ? [
        ['candidate', result.candidate],
        ...(result.champion ? [['champion', result.champion] as ['champion', Side]] : []),
        ['observed', result.observed],
      ]
    : [];
  const ci = (c: [number, number] | null | undefined) => (c ? `${pct(c[0])} – ${pct(c[1])}` : '');
  const collected = (s: Side) =>
    Object.entries(s.collected)
      .map(([c, m]) => money(minorToAmount(m, c), c))
      .join(', ') || '—';
  const rows: { key: string; label: string; value: (s: Side) => string }[] = [
    { key: 'acc', label: t('common.accounts'), value: (s) => num(s.accounts) },
    { key: 'del', label: t('sim.delinquentAtStart'), value: (s) => num(s.delinquentAtStart) },
    {
      key: 'cure',
      label: t('sim.cureRate'),
      value: (s) => `${pct(s.cureRate)} ${ci(s.cureRateCi)}`,
    },
    { key: 'roll', label: t('sim.rollForward'), value: (s) => pct(s.rollForwardRate) },
    { key: 'rec', label: t('sim.recovery'), value: (s) => pct(s.recoveryRate) },
    { key: 'col', label: t('sim.collected'), value: collected },
    {
      key: 'cost',
      label: t('sim.cost'),
      value: (s) =>
        s.cost !== undefined && s.costCurrency
          ? money(minorToAmount(s.cost, s.costCurrency), s.costCurrency)
          : '—',
    },
    {
      key: 'pr',
      label: t('sim.promises'),
      value: (s) =>
        s.promises === undefined ? '—' : `${num(s.promises)} / ${num(s.promisesKept)}`,
    },
    {
      key: 'act',
      label: t('sim.actions'),
      value: (s) =>
        Object.entries(s.actions)
          .map(([c, n]) => `${tm(`channel.${c}`)} ${num(n)}`)
          .join(', '),
    },
    {
      key: 'vs',
      label: t('sim.vsChampion'),
      value: (s) =>
        s.vsChampion
          ? `${pct(s.vsChampion.cureDifference)} (p = ${num(s.vsChampion.curePValue, 3)})`
          : '—',
    },
  ];
  return (
    <Card title={t('sim.title')}>
      <div className="form-row no-print">
        <Field label={t('sim.days')}>
          <input
            type="number"
            min={1}
            max={90}
            value={days}
            onChange={(e) => setDays(Number(e.target.value))}
          />
        </Field>
        <button
          className="primary"
          onClick={() => void run.run()}
          disabled={run.busy}
          data-testid="simulate"
        >
          {run.busy ? t('common.loading') : t('sim.run')}
        </button>
      </div>
      {run.error && <ErrorNote error={run.error} />}
      {result && (
        <>
          <p className="muted small">
            {date(result.from)} – {date(result.to)} · {num(result.accounts)} {t('common.accounts')}
          </p>
          <Table
            rows={rows}
            rowKey={(r) => r.key}
            columns={[
              { key: 'm', label: '', render: (r) => r.label },
              ...shown.map(([k, s]) => ({
                key: k,
                label: (
                  <>
                    {t(`sim.${k}`)}{' '}
                    <span className="muted small">{k === 'observed' ? '' : s.name}</span>
                  </>
                ),
                num: true,
                render: (r: (typeof rows)[number]) => r.value(s),
              })),
            ]}
          />
        </>
      )}
    </Card>
  );
}

function Changes({ strategyId, version }: { strategyId: string; version: number }) {
  const { t } = useI18n();
  const [from, setFrom] = useState(Math.max(1, version - 1));
  const diff = useLoad(
    () =>
      from === version
        ? Promise.resolve([])
        : get<{ op: string; text: string }[]>(
            `/api/strategies/${encodeURIComponent(strategyId)}/diff${qs({ from, to: version })}`,
          ),
    [strategyId, from, version],
  );
  return (
    <Card
      title={t('strategy.changesFrom')}
      actions={
        <input
          type="number"
          min={1}
          max={version}
          value={from}
          onChange={(e) => setFrom(Number(e.target.value))}
          aria-label={t('common.version')}
        />
      }
    >
      <Async state={diff}>
        {(d) => (
          <pre className="small">
            {d
              .filter((l) => l.op !== 'same')
              .map((l, i) => (
                <div
                  key={i}
                  className={l.op === 'add' ? 'ok' : l.op === 'remove' ? 'bad' : undefined}
                >
                  {l.op === 'add' ? '+ ' : l.op === 'remove' ? '- ' : '  '}
                  {l.text}
                </div>
              ))}
          </pre>
        )}
      </Async>
    </Card>
  );
}

interface Experiment {
  id: string;
  name: string;
  status: string;
  population: string;
  startsOn?: string;
  endsOn?: string | null;
  arms?: { name: string; strategyId: string; version: number; share: number }[];
}

function Experiments({ id }: { id?: string | undefined }) {
  const { t, tm, date } = useI18n();
  const user = useUser();
  const list = useLoad(() => get<Experiment[]>('/api/experiments'), []);
  return (
    <div data-testid="experiments">
      <h1>{t('strategy.experiments')}</h1>
      <p className="no-print">
        <a href={href('strategies')}>← {t('strategy.versions')}</a>
      </p>
      <Card>
        <Async state={list}>
          {(d) => (
            <Table
              rows={d}
              rowKey={(e) => e.id}
              columns={[
                {
                  key: 'n',
                  label: t('common.name'),
                  render: (e) => <a href={href('strategies', 'experiments', e.id)}>{e.name}</a>,
                },
                {
                  key: 's',
                  label: t('common.status'),
                  render: (e) => tm(`strategy.status.${e.status}`),
                },
                { key: 'd', label: t('strategy.effective'), render: (e) => date(e.startsOn) },
                {
                  key: 'p',
                  label: t('exp.population'),
                  render: (e) => <code className="small">{e.population}</code>,
                },
                {
                  key: 'a',
                  label: t('strategy.arms'),
                  render: (e) =>
                    (e.arms ?? [])
                      .map((a) => `${a.name} (${a.strategyId} v${a.version}, ${a.share}%)`)
                      .join(' · '),
                },
              ]}
            />
          )}
        </Async>
      </Card>
      {id && <ExperimentResults id={id} onChange={list.reload} />}
      {EDITORS.has(user.role) && <StartPilot onStarted={list.reload} />}
    </div>
  );
}

interface RateResult {
  successes?: number;
  rate: number | null;
  ci: [number, number] | null;
  vsChampion?: {
    difference: number;
    ci: [number, number];
    pValue: number;
    significant: boolean;
  } | null;
}
interface ArmResult {
  arm: string;
  strategyId: string;
  version: number;
  share: number;
  accounts: number;
  delinquentAtEntry: number;
  cureRate: RateResult;
  rollForwardRate: RateResult;
  recoveryRate: {
    mean: number | null;
    vsChampion: { difference: number; ci: [number, number]; significant: boolean } | null;
  };
  cost: number;
  collected: Record<string, number>;
  costPerCollected: number | null;
}

function ExperimentResults({ id, onChange }: { id: string; onChange: () => void }) {
  const { t, pct, num } = useI18n();
  const user = useUser();
  const r = useLoad(
    () =>
      get<{
        asOf: string;
        confidence: number;
        experiment: Experiment;
        arms: ArmResult[];
        sampleSize: { lift: number; perArm: number } | null;
      }>(`/api/experiments/${encodeURIComponent(id)}`),
    [id],
  );
  const [reason, setReason] = useState('');
  const stop = useAction(async () => {
    await post(`/api/experiments/${encodeURIComponent(id)}/stop`, { by: user.id });
    r.reload();
    onChange();
  });
  const promote = useAction(async (arm: string) => {
    await post(`/api/experiments/${encodeURIComponent(id)}/promote`, { arm, by: user.id, reason });
    r.reload();
    onChange();
  });
  const ci = (x: RateResult) => (x.ci ? `${pct(x.ci[0])} – ${pct(x.ci[1])}` : '');
  const vs = (
    x: { difference: number; significant: boolean; pValue?: number } | null | undefined,
  ) =>
    x ? (
      <span className={x.significant ? (x.difference > 0 ? 'ok' : 'bad') : 'muted'}>
        {x.difference > 0 ? '+' : ''}
        {pct(x.difference)}
        {x.pValue !== undefined ? ` (p = ${num(x.pValue, 3)})` : ''}
      </span>
    ) : (
      '—'
    );
  const running = r.data?.experiment.status === 'running';
  const canAct = EDITORS.has(user.role) && running;
  return (
    <Card title={t('strategy.results')}>
      <Async state={r}>
        {(d) => (
          <>
            <Table
              rows={d.arms}
              rowKey={(a) => a.arm}
              columns={[
                {
                  key: 'n',
                  label: t('strategy.arm'),
                  render: (a) => `${a.arm} · ${a.strategyId} v${a.version} (${a.share}%)`,
                },
                {
                  key: 'a',
                  label: t('common.accounts'),
                  num: true,
                  render: (a) => num(a.accounts),
                },
                {
                  key: 'c',
                  label: t('sim.cureRate'),
                  num: true,
                  render: (a) => `${pct(a.cureRate.rate)} ${ci(a.cureRate)}`,
                },
                {
                  key: 'cv',
                  label: t('sim.vsChampion'),
                  num: true,
                  render: (a) => vs(a.cureRate.vsChampion),
                },
                {
                  key: 'f',
                  label: t('sim.rollForward'),
                  num: true,
                  render: (a) => pct(a.rollForwardRate.rate),
                },
                {
                  key: 'r',
                  label: t('sim.recovery'),
                  num: true,
                  render: (a) => pct(a.recoveryRate.mean),
                },
                {
                  key: 'rv',
                  label: t('exp.recoveryVs'),
                  num: true,
                  render: (a) => vs(a.recoveryRate.vsChampion),
                },
                {
                  key: 'col',
                  label: t('sim.collected'),
                  num: true,
                  render: (a) => <Amounts minor={a.collected} />,
                },
                ...(canAct
                  ? [
                      {
                        key: 'p',
                        label: '',
                        render: (a: ArmResult) => (
                          <button
                            disabled={!reason.trim() || promote.busy}
                            onClick={() => void promote.run(a.arm)}
                          >
                            {t('exp.promote')}
                          </button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
            <p className="muted small">
              {t('exp.asOf', { date: d.asOf, confidence: pct(d.confidence, 0) })}
              {d.sampleSize &&
                ` · ${t('exp.sampleSize', { n: num(d.sampleSize.perArm), lift: pct(d.sampleSize.lift) })}`}
            </p>
            {canAct && (
              <div className="form-row no-print">
                <Field label={t('common.reason')}>
                  <input
                    value={reason}
                    onChange={(e) => setReason(e.target.value)}
                    style={{ minWidth: 260 }}
                  />
                </Field>
                <button className="danger" onClick={() => void stop.run()} disabled={stop.busy}>
                  {t('exp.stop')}
                </button>
              </div>
            )}
            {(stop.error ?? promote.error) && <ErrorNote error={(stop.error ?? promote.error)!} />}
          </>
        )}
      </Async>
    </Card>
  );
}

function StartPilot({ onStarted }: { onStarted: () => void }) {
  const { t } = useI18n();
  const user = useUser();
  const versions = useLoad(
    () => get<{ versions: Version[]; inForce: number | null }>('/api/strategies'),
    [],
  );
  const [f, setF] = useState({
    id: '',
    name: '',
    population: 'account.bucket == "M1"',
    champion: '',
    challenger: '',
    share: 20,
    startsOn: new Date().toISOString().slice(0, 10),
  });
  const start = useAction(async () => {
    const parse = (k: string) => {
      const [strategyId, version] = k.split('@');
      return { strategyId: strategyId!, version: Number(version) };
    };
    await post('/api/experiments', {
      id: f.id,
      name: f.name,
      population: f.population,
      by: user.id,
      startsOn: f.startsOn,
      arms: [
        { name: 'champion', ...parse(f.champion), share: 100 - f.share },
        { name: 'challenger', ...parse(f.challenger), share: f.share },
      ],
    });
    onStarted();
  });
  return (
    <Card title={t('exp.start')}>
      <Async state={versions}>
        {(d) => {
          const options = d.versions.map((v) => (
            <option key={v.id} value={`${v.strategyId}@${v.version}`}>
              {v.strategyId} v{v.version} · {v.name} ({v.status})
            </option>
          ));
          return (
            <form
              className="form-row"
              onSubmit={(e) => {
                e.preventDefault();
                void start.run();
              }}
            >
              <Field label={t('common.id')}>
                <input value={f.id} onChange={(e) => setF({ ...f, id: e.target.value })} required />
              </Field>
              <Field label={t('common.name')}>
                <input
                  value={f.name}
                  onChange={(e) => setF({ ...f, name: e.target.value })}
                  required
                />
              </Field>
              <Field label={t('exp.population')}>
                <input
                  value={f.population}
                  onChange={(e) => setF({ ...f, population: e.target.value })}
                  style={{ minWidth: 240 }}
                />
              </Field>
              <Field label={t('sim.champion')}>
                <select
                  value={f.champion}
                  onChange={(e) => setF({ ...f, champion: e.target.value })}
                  required
                >
                  <option value="" />
                  {options}
                </select>
              </Field>
              <Field label={t('exp.challenger')}>
                <select
                  value={f.challenger}
                  onChange={(e) => setF({ ...f, challenger: e.target.value })}
                  required
                >
                  <option value="" />
                  {options}
                </select>
              </Field>
              <Field label={t('exp.share')}>
                <input
                  type="number"
                  min={1}
                  max={99}
                  value={f.share}
                  onChange={(e) => setF({ ...f, share: Number(e.target.value) })}
                />
              </Field>
              <Field label={t('strategy.effective')}>
                <input
                  type="date"
                  value={f.startsOn}
                  onChange={(e) => setF({ ...f, startsOn: e.target.value })}
                />
              </Field>
              <button type="submit" className="primary" disabled={start.busy}>
                {t('exp.startButton')}
              </button>
            </form>
          );
        }}
      </Async>
      {start.error && <ErrorNote error={start.error} />}
    </Card>
  );
}
