/**
 * Monitoring: did yesterday's strategy work? Today's figures, live (server-sent events); the
 * roll-rate matrix month over month; cure rates; recovery curves by entry cohort; the channel
 * funnel with cost per amount collected; strategies and pilot arms with confidence intervals;
 * compliance blocks by rule; and alerts on thresholds the user sets.
 */
import { useEffect, useMemo, useState } from 'react';
import { CyclePanel } from '../components/cycle-panel.tsx';
import { del, get, post, qs } from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import { Amounts } from '../components/minor.tsx';
import {
  Async,
  Card,
  ErrorNote,
  Field,
  Stat,
  Table,
  useAction,
  useLoad,
} from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { useRoute } from '../router.ts';
import { useUser } from '../session.ts';

type Minor = Record<string, number>;
interface Summary {
  asOf: string;
  lastCycled: string | null;
  portfolio: {
    accounts: number;
    delinquent: number;
    delinquencyRate: number | null;
    outstandingMinor: Minor;
    arrearsMinor: Minor;
  };
  today: {
    payments: number;
    collectedMinor: Minor;
    promises: number;
    promisedMinor: Minor;
    /** By channel, then state. */
    dispatches: Record<string, Record<string, number>>;
    deliveries: { channel: string; sent: number; delivered: number }[];
    /** By outcome. */
    outcomes: Record<string, number>;
    blocks: number;
  };
  monthToDate: {
    start: string;
    end: string;
    rolls: { from: string; to: string; accounts: number; rolled: number; rate: number | null }[];
  } | null;
  alerts: { unacknowledged: number; latest: Alert[] };
}
interface Alert {
  id: number;
  ruleName: string;
  day: string;
  value: number;
  message: string;
  firedAt: string;
  acknowledgedBy: string | null;
}
interface RollRow {
  from: string;
  accounts: number;
  rollForwardRate: number | null;
  rollBackRate: number | null;
  cells: { to: string; accounts: number; rate: number | null }[];
}
interface RollMonth {
  start: string;
  end: string;
  accounts: number;
  rows: RollRow[];
}
interface Rolls {
  asOf: string;
  buckets: string[];
  months: RollMonth[];
  monthToDate: RollMonth | null;
}

type Tab = 'results' | 'channels' | 'strategies' | 'compliance' | 'alerts';
const TABS: Tab[] = ['results', 'channels', 'strategies', 'compliance', 'alerts'];

export default function MonitoringView() {
  const { t } = useI18n();
  const route = useRoute();
  const [tab, setTab] = useState<Tab>((route.query.get('tab') as Tab) ?? 'results');
  return (
    <div data-testid="monitoring">
      <h1>{t('nav.monitoring')}</h1>
      <Live />
      <CyclePanel />
      <nav className="tabs">
        {TABS.map((k) => (
          <button key={k} className={k === tab ? 'active' : undefined} onClick={() => setTab(k)}>
            {t(`mon.tab.${k}`)}
          </button>
        ))}
      </nav>
      {tab === 'results' && (
        <>
          <RollRates />
          <div className="grid wide">
            <Cures />
            <Recovery />
          </div>
        </>
      )}
      {tab === 'channels' && <Channels />}
      {tab === 'strategies' && <Strategies />}
      {tab === 'compliance' && <ComplianceBlocks />}
      {tab === 'alerts' && <Alerts />}
    </div>
  );
}

/** Today's figures, pushed by the server whenever they change. */
function Live() {
  const { t, num, pct, dateTime } = useI18n();
  const [summary, setSummary] = useState<Summary | null>(null);
  const [connected, setConnected] = useState(false);
  const [updated, setUpdated] = useState<string | null>(null);
  const [fired, setFired] = useState<Alert[]>([]);
  useEffect(() => {
    const es = new EventSource('/api/monitoring/live');
    es.addEventListener('open', () => setConnected(true));
    es.addEventListener('error', () => setConnected(false));
    es.addEventListener('summary', (e) => {
      setSummary(JSON.parse((e as MessageEvent<string>).data) as Summary);
      setUpdated(new Date().toISOString());
    });
    es.addEventListener('alert', (e) => {
      const a = JSON.parse((e as MessageEvent<string>).data) as Alert;
      setFired((f) => [a, ...f].slice(0, 5));
    });
    return () => es.close();
  }, []);
  if (!summary) return <p className="muted">{t('common.loading')}</p>;
  const s = summary;
  return (
    <>
      <p className="small" data-testid="live">
        <span className={connected ? 'tag good' : 'tag warn'}>
          {connected ? t('common.live') : t('mon.reconnecting')}
        </span>{' '}
        <span className="muted">{t('mon.updated', { at: dateTime(updated) })}</span>
      </p>
      {[
        ...fired,
        ...s.alerts.latest.filter((a) => !a.acknowledgedBy && !fired.some((f) => f.id === a.id)),
      ]
        .slice(0, 3)
        .map((a) => (
          <p key={a.id} className="notice" role="alert" data-testid="alert">
            {a.ruleName}: {a.message}
          </p>
        ))}
      <div className="stats">
        <Stat
          label={t('overview.delinquent')}
          value={num(s.portfolio.delinquent)}
          sub={pct(s.portfolio.delinquencyRate)}
        />
        <Stat
          label={t('mon.paymentsToday')}
          value={num(s.today.payments)}
          sub={<Amounts minor={s.today.collectedMinor} />}
        />
        <Stat
          label={t('mon.promisesToday')}
          value={num(s.today.promises)}
          sub={<Amounts minor={s.today.promisedMinor} />}
        />
        <Stat
          label={t('mon.contactsToday')}
          value={num(
            Object.values(s.today.dispatches)
              .flatMap((states) => Object.values(states))
              .reduce((a, b) => a + b, 0),
          )}
          sub={t('mon.delivered', {
            n: num(s.today.deliveries.reduce((a, d) => a + d.delivered, 0)),
          })}
        />
        <Stat
          label={t('mon.outcomesToday')}
          value={num(Object.values(s.today.outcomes).reduce((a, b) => a + b, 0))}
        />
        <Stat label={t('mon.blocksToday')} value={num(s.today.blocks)} />
        <Stat label={t('mon.alertsOpen')} value={num(s.alerts.unacknowledged)} />
      </div>
    </>
  );
}

/** A cell's colour: grey where the account stayed, red where it rolled forward, green back. */
function heat(rate: number | null, direction: number) {
  if (rate === null || rate === 0) return undefined;
  const a = Math.min(0.85, 0.12 + rate * 0.9);
  const rgb = direction === 0 ? '100,116,139' : direction > 0 ? '220,38,38' : '22,163,74';
  return {
    background: `rgba(${rgb},${direction === 0 ? a * 0.5 : a})`,
    color: a > 0.5 ? '#fff' : undefined,
  };
}

function RollRates() {
  const { t, pct, num, date } = useI18n();
  const [product, setProduct] = useState('');
  const rolls = useLoad(
    () => get<Rolls>(`/api/monitoring/roll-rates${qs({ months: 6, product })}`),
    [product],
  );
  const [index, setIndex] = useState<number | null>(null);
  return (
    <Card
      title={t('mon.rollRates')}
      actions={
        <select
          aria-label={t('common.product')}
          value={product}
          onChange={(e) => setProduct(e.target.value)}
        >
          <option value="">{t('mon.allProducts')}</option>
          {['loan', 'card', 'bnpl', 'invoice'].map((p) => (
            <option key={p} value={p}>
              {t(`product.${p}` as 'product.loan')}
            </option>
          ))}
        </select>
      }
    >
      <Async state={rolls}>
        {(r) => {
          const all = [...r.months, ...(r.monthToDate ? [r.monthToDate] : [])];
          if (all.length === 0) return <p className="muted">{t('mon.noMonths')}</p>;
          const m = all[index ?? all.length - 1]!;
          return (
            <>
              <div className="tabs">
                {all.map((x, i) => (
                  <button
                    key={x.end}
                    className={x === m ? 'active' : undefined}
                    onClick={() => setIndex(i)}
                  >
                    {date(x.start)} → {date(x.end)}
                    {x === r.monthToDate ? ` (${t('mon.toDate')})` : ''}
                  </button>
                ))}
              </div>
              <div className="table-wrap">
                <table className="heat" data-testid="roll-matrix">
                  <thead>
                    <tr>
                      <th>{t('mon.fromTo')}</th>
                      <th className="num">{t('common.accounts')}</th>
                      {r.buckets.map((b) => (
                        <th key={b} className="num">
                          {b}
                        </th>
                      ))}
                      <th className="num">{t('mon.rollForward')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {m.rows.map((row) => (
                      <tr key={row.from}>
                        <th>{row.from}</th>
                        <td className="num">{num(row.accounts)}</td>
                        {r.buckets.map((b) => {
                          const c = row.cells.find((x) => x.to === b);
                          return (
                            <td
                              key={b}
                              className="num"
                              style={heat(
                                c?.rate ?? null,
                                r.buckets.indexOf(b) - r.buckets.indexOf(row.from),
                              )}
                              title={c ? num(c.accounts) : ''}
                            >
                              {c && c.accounts > 0 ? pct(c.rate) : ''}
                            </td>
                          );
                        })}
                        <td className="num">{pct(row.rollForwardRate)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <p className="muted small">{t('mon.rollHelp')}</p>
            </>
          );
        }}
      </Async>
    </Card>
  );
}

function Cures() {
  const { t, pct, date, num } = useI18n();
  const cures = useLoad(
    () =>
      get<{
        months: {
          start: string;
          end: string;
          buckets: { bucket: string; accounts: number; cured: number; rate: number | null }[];
          total: { accounts: number; cured: number; rate: number | null };
        }[];
        monthToDate: {
          start: string;
          end: string;
          total: { accounts: number; cured: number; rate: number | null };
        } | null;
      }>('/api/monitoring/cures?months=6'),
    [],
  );
  return (
    <Card title={t('mon.cures')}>
      <Async state={cures}>
        {(c) => {
          const months = [
            ...c.months,
            ...(c.monthToDate ? [c.monthToDate as (typeof c.months)[number]] : []),
          ];
          const buckets = [...new Set(c.months.flatMap((m) => m.buckets.map((b) => b.bucket)))];
          return (
            <Table
              rows={months}
              rowKey={(m) => m.end}
              columns={[
                {
                  key: 'p',
                  label: t('common.period'),
                  render: (m) => `${date(m.start)} → ${date(m.end)}`,
                },
                {
                  key: 'a',
                  label: t('mon.delinquentAtStart'),
                  num: true,
                  render: (m) => num(m.total.accounts),
                },
                {
                  key: 't',
                  label: t('mon.cureRate'),
                  num: true,
                  render: (m) => `${pct(m.total.rate)} (${num(m.total.cured)})`,
                },
                ...buckets.map((b) => ({
                  key: b,
                  label: b,
                  num: true,
                  render: (m: (typeof months)[number]) =>
                    pct(m.buckets?.find((x) => x.bucket === b)?.rate ?? null),
                })),
              ]}
            />
          );
        }}
      </Async>
    </Card>
  );
}

function Recovery() {
  const { t, locale } = useI18n();
  const rec = useLoad(
    () =>
      get<{
        curves: {
          cohort: string;
          currency: string;
          accounts: number;
          points: { monthsSinceEntry: number; rate: number | null; partial: boolean }[];
        }[];
      }>('/api/monitoring/recovery?cohorts=6'),
    [],
  );
  const option = useMemo((): ChartOption | null => {
    if (!rec.data) return null;
    const curves = rec.data.curves;
    const max = Math.max(0, ...curves.flatMap((c) => c.points.map((p) => p.monthsSinceEntry)));
    return {
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (typeof v === 'number' ? (v * 100).toFixed(1) + '%' : ''),
      },
      legend: { type: 'scroll', bottom: 0 },
      grid: { left: 50, right: 20, top: 20, bottom: 60 },
      xAxis: {
        type: 'category',
        name: t('mon.monthsSinceEntry'),
        data: Array.from({ length: max + 1 }, (_, i) => String(i)),
      },
      yAxis: { type: 'value', axisLabel: { formatter: (v: number) => `${Math.round(v * 100)}%` } },
      series: curves.map((c) => ({
        name: `${c.cohort} ${c.currency} (${c.accounts})`,
        type: 'line',
        data: c.points.map((p) => p.rate),
      })),
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rec.data, locale]);
  return (
    <Card title={t('mon.recovery')}>
      <Async state={rec}>
        {(r) =>
          r.curves.length === 0 || !option ? (
            <p className="muted">{t('mon.noMonths')}</p>
          ) : (
            <Chart option={option} label={t('mon.recovery')} />
          )
        }
      </Async>
    </Card>
  );
}

interface ChannelRow {
  channel: string;
  currency: string;
  dispatches: number;
  blocked: number;
  sent: number;
  delivered: number;
  reached: number;
  promised: number;
  paid: number;
  collectedMinor: number;
  costMinor: number | null;
  costPerCollected: number | null;
}

function Channels() {
  const { t, num, pct, tm, money } = useI18n();
  const ch = useLoad(
    () =>
      get<{ from: string; to: string; windowDays: number; rows: ChannelRow[] }>(
        '/api/monitoring/channels',
      ),
    [],
  );
  return (
    <Card title={t('mon.channels')}>
      <Async state={ch}>
        {(c) => (
          <>
            <Table
              rows={c.rows}
              rowKey={(r) => r.channel + r.currency}
              columns={[
                { key: 'c', label: t('common.channel'), render: (r) => tm(`channel.${r.channel}`) },
                { key: 'u', label: t('common.currency'), render: (r) => r.currency },
                { key: 's', label: t('mon.sent'), num: true, render: (r) => num(r.sent) },
                {
                  key: 'd',
                  label: t('mon.deliveredCol'),
                  num: true,
                  render: (r) => num(r.delivered),
                },
                { key: 'r', label: t('mon.reached'), num: true, render: (r) => num(r.reached) },
                { key: 'p', label: t('mon.promised'), num: true, render: (r) => num(r.promised) },
                { key: 'y', label: t('mon.paid'), num: true, render: (r) => num(r.paid) },
                {
                  key: 'a',
                  label: t('mon.collected'),
                  num: true,
                  render: (r) => <Amounts minor={{ [r.currency]: r.collectedMinor }} />,
                },
                {
                  key: 'k',
                  label: t('mon.cost'),
                  num: true,
                  render: (r) =>
                    r.costMinor === null ? '—' : <Amounts minor={{ [r.currency]: r.costMinor }} />,
                },
                {
                  key: 'x',
                  label: t('mon.costPerCollected'),
                  num: true,
                  render: (r) =>
                    r.costPerCollected === null
                      ? '—'
                      : money(r.costPerCollected.toFixed(4), r.currency),
                },
                { key: 'b', label: t('mon.blocked'), num: true, render: (r) => num(r.blocked) },
                {
                  key: 'pr',
                  label: t('mon.paidRate'),
                  num: true,
                  render: (r) => pct(r.sent ? r.paid / r.sent : null),
                },
              ]}
            />
            <p className="muted small">{t('mon.channelHelp', { days: c.windowDays })}</p>
          </>
        )}
      </Async>
    </Card>
  );
}

interface Rate {
  successes: number;
  rate: number | null;
  ci: [number, number] | null;
  vsBaseline?: {
    difference: number;
    ci: [number, number];
    pValue: number;
    significant: boolean;
  } | null;
}
interface Compared {
  key: string;
  name: string;
  baseline: boolean;
  accounts: number;
  cureRate: Rate;
  rollForwardRate: Rate;
}

function Strategies() {
  const { t, num, pct } = useI18n();
  const s = useLoad(
    () =>
      get<{
        confidence: number;
        strategies: Compared[];
        experiments: { experiment: { id: string; name: string } | string; arms: Compared[] }[];
      }>('/api/monitoring/strategies?months=3'),
    [],
  );
  const ci = (r: Rate) => (r.ci ? `${pct(r.ci[0])} – ${pct(r.ci[1])}` : '');
  const vs = (r: Rate) =>
    r.vsBaseline ? (
      <span
        className={
          r.vsBaseline.significant ? (r.vsBaseline.difference > 0 ? 'ok' : 'bad') : 'muted'
        }
      >
        {r.vsBaseline.difference > 0 ? '+' : ''}
        {pct(r.vsBaseline.difference)} (p = {num(r.vsBaseline.pValue, 3)})
      </span>
    ) : (
      '—'
    );
  const table = (rows: Compared[]) => (
    <Table
      rows={rows}
      rowKey={(r) => r.key}
      columns={[
        {
          key: 'n',
          label: t('common.name'),
          render: (r) => (
            <>
              {r.name}
              {r.baseline && <span className="tag">{t('mon.baseline')}</span>}
            </>
          ),
        },
        { key: 'a', label: t('common.accounts'), num: true, render: (r) => num(r.accounts) },
        { key: 'c', label: t('mon.cureRate'), num: true, render: (r) => pct(r.cureRate.rate) },
        { key: 'ci', label: t('mon.interval'), num: true, render: (r) => ci(r.cureRate) },
        { key: 'v', label: t('mon.vsBaseline'), num: true, render: (r) => vs(r.cureRate) },
        {
          key: 'f',
          label: t('mon.rollForward'),
          num: true,
          render: (r) => pct(r.rollForwardRate.rate),
        },
        { key: 'fv', label: t('mon.vsBaseline'), num: true, render: (r) => vs(r.rollForwardRate) },
      ]}
    />
  );
  return (
    <Async state={s}>
      {(d) => (
        <>
          <Card title={t('mon.strategies', { confidence: pct(d.confidence, 0) })}>
            {table(d.strategies)}
          </Card>
          {d.experiments.map((e, i) => (
            <Card
              key={i}
              title={typeof e.experiment === 'string' ? e.experiment : e.experiment.name}
            >
              {table(e.arms)}
            </Card>
          ))}
        </>
      )}
    </Async>
  );
}

function ComplianceBlocks() {
  const { t, num, pct, date, locale } = useI18n();
  const b = useLoad(
    () =>
      get<{
        from: string;
        to: string;
        decisions: { allowed: number; denied: number; deniedRate: number | null };
        rules: { rule: string; blocks: number }[];
        byDay: { day: string; allowed: number; denied: number }[];
      }>('/api/monitoring/compliance-blocks'),
    [],
  );
  const option = useMemo(
    (): ChartOption | null =>
      b.data
        ? {
            tooltip: { trigger: 'axis' },
            grid: { left: 50, right: 20, top: 20, bottom: 30 },
            xAxis: { type: 'category', data: b.data.byDay.map((d) => date(d.day)) },
            yAxis: { type: 'value' },
            series: [
              { name: t('mon.blocked'), type: 'bar', data: b.data.byDay.map((d) => d.denied) },
            ],
          }
        : null,
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [b.data, locale],
  );
  return (
    <Async state={b}>
      {(d) => (
        <div className="grid wide">
          <Card title={t('mon.blocksByRule', { from: date(d.from), to: date(d.to) })}>
            <p>
              {t('mon.decisions', {
                allowed: num(d.decisions.allowed),
                denied: num(d.decisions.denied),
                rate: pct(d.decisions.deniedRate),
              })}
            </p>
            <Table
              rows={d.rules}
              rowKey={(r) => r.rule}
              columns={[
                { key: 'r', label: t('mon.rule'), render: (r) => <code>{r.rule}</code> },
                { key: 'b', label: t('mon.blocked'), num: true, render: (r) => num(r.blocks) },
              ]}
            />
          </Card>
          <Card title={t('mon.blocksByDay')}>
            {option && <Chart option={option} label={t('mon.blocksByDay')} />}
          </Card>
        </div>
      )}
    </Async>
  );
}

interface Rule {
  id: number;
  name: string;
  metric: string;
  scope: { product?: string; from?: string; to?: string; bucket?: string; channel?: string };
  comparator: string;
  threshold: number;
  minBase: number;
  createdBy: string;
}

const MANAGE = new Set(['administrator', 'strategy_manager', 'supervisor']);
const METRICS = [
  'roll_rate',
  'cure_rate',
  'delinquency_rate',
  'compliance_blocks',
  'delivery_rate',
];

function Alerts() {
  const { t, num, pct, date, dateTime, tm } = useI18n();
  const user = useUser();
  const canManage = MANAGE.has(user.role);
  const rules = useLoad(() => get<Rule[] | { rules: Rule[] }>('/api/monitoring/alert-rules'), []);
  const alerts = useLoad(
    () => get<Alert[] | { alerts: Alert[] }>('/api/monitoring/alerts?limit=50'),
    [],
  );
  const list = <T,>(d: T[] | Record<string, T[]>): T[] =>
    Array.isArray(d) ? d : (Object.values(d)[0] ?? []);
  const [form, setForm] = useState({
    name: 'M1 → M2 roll rate',
    metric: 'roll_rate',
    from: 'M1',
    to: 'M2',
    bucket: 'M1',
    comparator: '>',
    threshold: '20',
    minBase: '50',
  });
  const add = useAction(async () => {
    const rate = form.metric !== 'compliance_blocks';
    const scope =
      form.metric === 'roll_rate'
        ? { from: form.from, to: form.to }
        : form.metric === 'cure_rate'
          ? { bucket: form.bucket }
          : {};
    await post('/api/monitoring/alert-rules', {
      name: form.name,
      metric: form.metric,
      scope,
      comparator: form.comparator,
      threshold: rate ? Number(form.threshold) / 100 : Number(form.threshold),
      minBase: Number(form.minBase),
    });
    rules.reload();
  });
  const remove = useAction(async (id: number) => {
    await del(`/api/monitoring/alert-rules/${id}`);
    rules.reload();
  });
  const ack = useAction(async (id: number) => {
    await post(`/api/monitoring/alerts/${id}/acknowledge`);
    alerts.reload();
  });
  const threshold = (r: Rule) =>
    r.metric === 'compliance_blocks' ? num(r.threshold) : pct(r.threshold);
  return (
    <div className="grid wide">
      <Card title={t('mon.alerts')}>
        <Async state={alerts}>
          {(d) => (
            <Table
              rows={list(d)}
              rowKey={(a) => a.id}
              columns={[
                { key: 'd', label: t('common.date'), render: (a) => date(a.day) },
                { key: 'r', label: t('mon.rule'), render: (a) => a.ruleName },
                { key: 'm', label: t('mon.message'), render: (a) => a.message },
                {
                  key: 'k',
                  label: t('mon.acknowledged'),
                  render: (a) =>
                    a.acknowledgedBy ? (
                      `${a.acknowledgedBy} · ${dateTime(a.firedAt)}`
                    ) : canManage ? (
                      <button onClick={() => void ack.run(a.id)}>{t('mon.acknowledge')}</button>
                    ) : (
                      '—'
                    ),
                },
              ]}
            />
          )}
        </Async>
      </Card>
      <Card title={t('mon.rules')}>
        <Async state={rules}>
          {(d) => (
            <Table
              rows={list(d)}
              rowKey={(r) => r.id}
              columns={[
                { key: 'n', label: t('common.name'), render: (r) => r.name },
                { key: 'm', label: t('mon.metric'), render: (r) => tm(`mon.metric.${r.metric}`) },
                {
                  key: 's',
                  label: t('mon.scope'),
                  render: (r) =>
                    Object.entries(r.scope)
                      .map(([k, v]) => `${k} ${v}`)
                      .join(', '),
                },
                {
                  key: 'c',
                  label: t('mon.threshold'),
                  render: (r) => `${r.comparator} ${threshold(r)}`,
                },
                ...(canManage
                  ? [
                      {
                        key: 'x',
                        label: '',
                        render: (r: Rule) => (
                          <button className="danger" onClick={() => void remove.run(r.id)}>
                            {t('common.remove')}
                          </button>
                        ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </Async>
        {canManage && (
          <form
            className="form-row"
            onSubmit={(e) => {
              e.preventDefault();
              void add.run();
            }}
          >
            <Field label={t('common.name')}>
              <input
                value={form.name}
                onChange={(e) => setForm({ ...form, name: e.target.value })}
              />
            </Field>
            <Field label={t('mon.metric')}>
              <select
                value={form.metric}
                onChange={(e) => setForm({ ...form, metric: e.target.value })}
              >
                {METRICS.map((m) => (
                  <option key={m} value={m}>
                    {tm(`mon.metric.${m}`)}
                  </option>
                ))}
              </select>
            </Field>
            {form.metric === 'roll_rate' && (
              <>
                <Field label={t('common.from')}>
                  <input
                    size={5}
                    value={form.from}
                    onChange={(e) => setForm({ ...form, from: e.target.value })}
                  />
                </Field>
                <Field label={t('common.to')}>
                  <input
                    size={5}
                    value={form.to}
                    onChange={(e) => setForm({ ...form, to: e.target.value })}
                  />
                </Field>
              </>
            )}
            {form.metric === 'cure_rate' && (
              <Field label={t('common.bucket')}>
                <input
                  size={5}
                  value={form.bucket}
                  onChange={(e) => setForm({ ...form, bucket: e.target.value })}
                />
              </Field>
            )}
            <Field label={t('mon.comparator')}>
              <select
                value={form.comparator}
                onChange={(e) => setForm({ ...form, comparator: e.target.value })}
              >
                {['>', '>=', '<', '<='].map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
            </Field>
            <Field
              label={
                form.metric === 'compliance_blocks' ? t('mon.threshold') : t('mon.thresholdPct')
              }
            >
              <input
                size={6}
                inputMode="decimal"
                value={form.threshold}
                onChange={(e) => setForm({ ...form, threshold: e.target.value })}
              />
            </Field>
            <Field label={t('mon.minBase')}>
              <input
                size={6}
                value={form.minBase}
                onChange={(e) => setForm({ ...form, minBase: e.target.value })}
              />
            </Field>
            <button type="submit" className="primary" disabled={add.busy}>
              {t('common.add')}
            </button>
          </form>
        )}
        {(add.error ?? remove.error ?? ack.error) && (
          <ErrorNote error={(add.error ?? remove.error ?? ack.error)!} />
        )}
      </Card>
    </div>
  );
}
