/**
 * Performance: the assessment table of a month (weighted KPIs against targets into a score and
 * a grade, in leaderboard order, printable for the policy binder), team rows, the leaderboard
 * chart, and for supervisors the month's targets, the scheme (weights and grade bands) and the
 * complaints.
 */
import { useMemo, useState } from 'react';
import { get, post, put, qs } from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import { JsonEditor } from '../components/json-editor.tsx';
import { Amounts } from '../components/minor.tsx';
import { Tabs, useTab } from '../components/tabs.tsx';
import { Async, Card, ErrorNote, Field, Table, useAction, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useUser } from '../session.ts';
import { minorToAmount } from '../money.ts';

type Minor = Record<string, number>;
interface Cell {
  actual: number | Minor | null;
  target: number | null;
  attainment: number | null;
  weight: number;
  points: number;
}
export interface Row {
  id: string;
  name: string;
  team: string | null;
  rank: number | null;
  score: number | null;
  grade: string | null;
  counts: Record<string, number | Minor | string>;
  cells: Record<string, Cell>;
}
interface Scheme {
  weights: Record<string, number>;
  bands: { grade: string; minScore: number }[];
  fallbackGrade: string;
  currency: string;
  capPercent: number;
}
interface Report {
  period: string;
  from: string;
  to: string;
  attributionDays: number;
  scheme: Scheme;
  collectors: Row[];
  teams: Row[];
}

export const SUPERVISING = new Set(['administrator', 'supervisor']);

export function thisMonth(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}`;
}

export function PeriodPicker({
  value,
  onChange,
}: {
  value: string;
  onChange: (p: string) => void;
}) {
  const { t } = useI18n();
  return (
    <Field label={t('common.period')}>
      <input
        type="month"
        value={value}
        onChange={(e) => e.target.value && onChange(e.target.value)}
      />
    </Field>
  );
}

const TABS = ['assessment', 'targets', 'scheme', 'complaints'] as const;

export default function PerformanceView() {
  const { t } = useI18n();
  const user = useUser();
  const tab = useTab(TABS);
  const [period, setPeriod] = useState(thisMonth);
  const sup = SUPERVISING.has(user.role);
  const tabs = TABS.filter((k) => k === 'assessment' || sup || k === 'scheme').map((k) => ({
    key: k,
    label: t(`perf.tab.${k}`),
  }));
  return (
    <div data-testid="performance">
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>{t('nav.performance')}</h1>
        <PeriodPicker value={period} onChange={setPeriod} />
      </div>
      <Tabs view="performance" tabs={tabs} current={tab} />
      {tab === 'assessment' && <Assessment period={period} />}
      {tab === 'targets' && sup && <Targets period={period} />}
      {tab === 'scheme' && <SchemeEditor canEdit={sup} />}
      {tab === 'complaints' && sup && <Complaints period={period} />}
    </div>
  );
}

/** A KPI's value as text: rates as percentages, amounts in the scheme's currency, counts. */
function kpiValue(
  i: ReturnType<typeof useI18n>,
  key: string,
  v: number | Minor | null | undefined,
  currency: string,
): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'object')
    return (
      Object.entries(v)
        .map(([c, m]) => i.money(minorToAmount(m, c), c))
        .join(', ') || '—'
    );
  if (key === 'collected') return i.money(minorToAmount(v, currency), currency);
  return /Rate$/.test(key) ? i.pct(v) : i.num(v);
}

function Assessment({ period }: { period: string }) {
  const i = useI18n();
  const { t, num } = i;
  const r = useLoad(() => get<Report>(`/api/performance${qs({ period })}`), [period]);
  const chart = useMemo((): ChartOption | null => {
    if (!r.data) return null;
    const rows = r.data.collectors.filter((c) => c.score !== null);
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 100, right: 30, top: 10, bottom: 30 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', inverse: true, data: rows.map((c) => c.name) },
      series: [
        { type: 'bar', name: t('perf.score'), data: rows.map((c) => Math.round(c.score ?? 0)) },
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [r.data, i.locale]);
  return (
    <Async state={r}>
      {(d) => {
        const kpis = Object.keys(d.scheme.weights);
        const table = (rows: Row[], testId: string) => (
          <div className="table-wrap">
            <table data-testid={testId}>
              <thead>
                <tr>
                  <th>#</th>
                  <th>{t('common.name')}</th>
                  <th>{t('common.team')}</th>
                  {kpis.map((k) => (
                    <th key={k} className="num">
                      {i.tm(`kpi.${k}`)}
                      <div className="muted small">
                        {t('perf.weight', { w: d.scheme.weights[k] ?? 0 })}
                      </div>
                    </th>
                  ))}
                  <th className="num">{t('perf.score')}</th>
                  <th>{t('perf.grade')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr key={c.id}>
                    <td>{c.rank ?? ''}</td>
                    <td>{c.name}</td>
                    <td>{c.team ?? ''}</td>
                    {kpis.map((k) => {
                      const cell = c.cells[k];
                      return (
                        <td key={k} className="num">
                          {kpiValue(i, k, cell?.actual, d.scheme.currency)}
                          <div className="muted small">
                            {cell?.target !== null && cell?.target !== undefined
                              ? `${t('perf.target')} ${kpiValue(i, k, cell.target, d.scheme.currency)} · ${num(cell.points, 1)}`
                              : t('perf.noTarget')}
                          </div>
                        </td>
                      );
                    })}
                    <td className="num">{num(c.score, 1)}</td>
                    <td>
                      <span
                        className={
                          c.grade === 'A' || c.grade === 'B' ? 'tag good' : c.grade ? 'tag' : ''
                        }
                      >
                        {c.grade ?? '—'}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        );
        return (
          <>
            <Card
              title={t('perf.assessment', { period: i.month(d.period) })}
              actions={
                <button className="no-print" onClick={() => print()}>
                  {t('shell.print')}
                </button>
              }
            >
              {table(d.collectors, 'assessment-table')}
              <p className="muted small">
                {t('perf.bands')}:{' '}
                {d.scheme.bands.map((b) => `${b.grade} ≥ ${b.minScore}`).join(', ')},{' '}
                {d.scheme.fallbackGrade} · {t('perf.cap', { cap: d.scheme.capPercent })} ·{' '}
                {t('perf.attribution', { days: d.attributionDays })}
              </p>
            </Card>
            <div className="grid wide">
              <Card title={t('perf.teams')}>{table(d.teams, 'team-table')}</Card>
              <Card title={t('perf.leaderboard')} className="no-print">
                {chart && (
                  <Chart
                    option={chart}
                    label={t('perf.leaderboard')}
                    height={Math.max(160, d.collectors.length * 32)}
                  />
                )}
              </Card>
            </div>
            <Card title={t('perf.counts')}>
              <Table
                rows={d.collectors}
                rowKey={(c) => c.id}
                columns={[
                  { key: 'n', label: t('common.name'), render: (c) => c.name },
                  ...[
                    'attempts',
                    'rightPartyContacts',
                    'promisesTaken',
                    'promisesKept',
                    'accountsWorked',
                    'accountsCured',
                    'complaints',
                    'complianceBlocks',
                  ].map((k) => ({
                    key: k,
                    label: i.tm(`kpi.${k}`),
                    num: true,
                    render: (c: Row) => kpiValue(i, k, c.counts[k] as number, d.scheme.currency),
                  })),
                  {
                    key: 'col',
                    label: i.tm('kpi.collected'),
                    num: true,
                    render: (c) => <Amounts minor={c.counts.collected as Minor} />,
                  },
                ]}
              />
            </Card>
          </>
        );
      }}
    </Async>
  );
}

function Targets({ period }: { period: string }) {
  const { t } = useI18n();
  const r = useLoad(() => get<unknown>(`/api/performance/targets${qs({ period })}`), [period]);
  return (
    <Card title={t('perf.targetsOf', { period })}>
      <p className="muted small">{t('perf.targetsHelp')}</p>
      <Async state={r}>
        {(d) => (
          <JsonEditor
            key={period}
            value={d}
            label={t('perf.tab.targets')}
            onSave={(doc) => {
              const { collectors, teams } = doc as { collectors: unknown; teams: unknown };
              return put(`/api/performance/targets${qs({ period })}`, { collectors, teams });
            }}
          />
        )}
      </Async>
    </Card>
  );
}

function SchemeEditor({ canEdit }: { canEdit: boolean }) {
  const { t } = useI18n();
  const r = useLoad(() => get<unknown>('/api/performance/scheme'), []);
  return (
    <Card title={t('perf.tab.scheme')}>
      <p className="muted small">{t('perf.schemeHelp')}</p>
      <Async state={r}>
        {(d) => (
          <JsonEditor
            value={d}
            readOnly={!canEdit}
            label={t('perf.tab.scheme')}
            onSave={(doc) => put('/api/performance/scheme', doc)}
          />
        )}
      </Async>
    </Card>
  );
}

interface Complaint {
  id: number;
  collector: string;
  account: string | null;
  receivedOn: string;
  summary: string;
  breach: boolean;
  recordedBy: string;
}

function Complaints({ period }: { period: string }) {
  const { t, date } = useI18n();
  const list = useLoad(
    () => get<{ complaints: Complaint[] }>(`/api/performance/complaints${qs({ period })}`),
    [period],
  );
  const [form, setForm] = useState({
    collector: '',
    account: '',
    receivedOn: new Date().toISOString().slice(0, 10),
    summary: '',
    breach: false,
  });
  const add = useAction(async () => {
    await post('/api/performance/complaints', {
      collector: form.collector,
      ...(form.account ? { account: form.account } : {}),
      receivedOn: form.receivedOn,
      summary: form.summary,
      breach: form.breach,
    });
    list.reload();
  });
  return (
    <Card title={t('perf.tab.complaints')}>
      <Async state={list}>
        {(d) => (
          <Table
            rows={d.complaints}
            rowKey={(c) => c.id}
            columns={[
              { key: 'd', label: t('common.date'), render: (c) => date(c.receivedOn) },
              { key: 'c', label: t('perf.collector'), render: (c) => c.collector },
              { key: 'a', label: t('common.accounts'), render: (c) => c.account ?? '' },
              { key: 's', label: t('perf.summary'), render: (c) => c.summary },
              {
                key: 'b',
                label: t('perf.breach'),
                render: (c) =>
                  c.breach ? <span className="tag bad">{t('common.yes')}</span> : t('common.no'),
              },
              { key: 'r', label: t('strategy.by'), render: (c) => c.recordedBy },
            ]}
          />
        )}
      </Async>
      <form
        className="form-row"
        onSubmit={(e) => {
          e.preventDefault();
          void add.run();
        }}
      >
        <Field label={t('perf.collector')}>
          <input
            value={form.collector}
            onChange={(e) => setForm({ ...form, collector: e.target.value })}
            placeholder="collector-2"
          />
        </Field>
        <Field label={t('common.accounts')}>
          <input
            value={form.account}
            onChange={(e) => setForm({ ...form, account: e.target.value })}
          />
        </Field>
        <Field label={t('common.date')}>
          <input
            type="date"
            value={form.receivedOn}
            onChange={(e) => setForm({ ...form, receivedOn: e.target.value })}
          />
        </Field>
        <Field label={t('perf.summary')}>
          <input
            value={form.summary}
            onChange={(e) => setForm({ ...form, summary: e.target.value })}
            style={{ minWidth: 240 }}
          />
        </Field>
        <label>
          <input
            type="checkbox"
            checked={form.breach}
            onChange={(e) => setForm({ ...form, breach: e.target.checked })}
          />{' '}
          {t('perf.breach')}
        </label>
        <button type="submit" className="primary" disabled={add.busy}>
          {t('common.add')}
        </button>
      </form>
      {add.error && <ErrorNote error={add.error} />}
    </Card>
  );
}
