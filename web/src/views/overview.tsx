/**
 * Overview: the portfolio on the last cycled day by bucket and product, its 90-day trend, and
 * today's actions and results, from one request.
 */
import { useMemo, useState } from 'react';
import { compareBuckets } from '../buckets.ts';
import { get } from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import { CyclePanel } from '../components/cycle-panel.tsx';
import { Async, Card, Stat, Table, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { sumAmounts } from '../money.ts';
import { OVERVIEW_PATH } from './overview-path.ts';

interface Figures {
  currency: string;
  accounts: number;
  outstanding: string;
  arrears: string;
}
export interface OverviewData {
  asOf: string | null;
  today: string;
  byBucket: (Figures & { bucket: string })[];
  byProduct: (Figures & { product: string; delinquent: number })[];
  trend: (Figures & { asOf: string; delinquent: number })[];
  work: {
    actions: { channel: string; status: string; count: number }[];
    dispatches: { channel: string; state: string; count: number }[];
    payments: { currency: string; count: number; amount: string }[];
    promises: { currency: string; count: number; amount: string }[];
    outcomes: { kind: string; outcome: string; count: number }[];
  };
}

export default function OverviewView() {
  const { t, date } = useI18n();
  const state = useLoad(() => get<OverviewData>(OVERVIEW_PATH), []);
  return (
    <div data-testid="overview">
      <h1>
        {t('overview.title')}{' '}
        {state.data?.asOf && (
          <span className="muted small">{t('overview.asOf', { date: date(state.data.asOf) })}</span>
        )}
      </h1>
      <Async state={state}>
        {(d) => (d.asOf ? <Body d={d} /> : <p>{t('overview.noCycle')}</p>)}
      </Async>
      <CyclePanel />
    </div>
  );
}

function Body({ d }: { d: OverviewData }) {
  const i = useI18n();
  const { t, num, pct, money, tm } = i;
  // the portfolio's currencies, the one with most accounts first
  const currencies = useMemo(() => {
    const n = new Map<string, number>();
    for (const r of d.byBucket) n.set(r.currency, (n.get(r.currency) ?? 0) + r.accounts);
    return [...n.entries()].sort((a, b) => b[1] - a[1]).map(([c]) => c);
  }, [d]);
  const [cur, setCur] = useState(currencies[0] ?? '');
  const buckets = d.byBucket
    .filter((r) => r.currency === cur)
    .sort((a, b) => compareBuckets(a.bucket, b.bucket));
  const products = d.byProduct.filter((r) => r.currency === cur);
  const total = d.byBucket.reduce((s, r) => s + r.accounts, 0);
  const delinquent = d.byBucket
    .filter((r) => r.bucket !== 'current')
    .reduce((s, r) => s + r.accounts, 0);
  const trendOption = useMemo((): ChartOption => {
    const rows = d.trend.filter((r) => r.currency === cur);
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: [t('overview.delinquent'), `${t('overview.arrears')} (${cur})`], bottom: 0 },
      grid: { left: 50, right: 70, top: 30, bottom: 50 },
      xAxis: { type: 'category', data: rows.map((r) => i.date(r.asOf)) },
      yAxis: [
        { type: 'value', name: t('overview.delinquent') },
        {
          type: 'value',
          name: cur,
          axisLabel: { formatter: (v: number) => i.num(v / 1000) + 'k' },
        },
      ],
      series: [
        {
          name: t('overview.delinquent'),
          type: 'line',
          data: rows.map((r) => r.delinquent),
          showSymbol: false,
        },
        {
          name: `${t('overview.arrears')} (${cur})`,
          type: 'line',
          yAxisIndex: 1,
          data: rows.map((r) => Number(r.arrears)),
          showSymbol: false,
        },
      ],
    };
    // the chart redraws when the data, the currency or the language changes
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [d, cur, i.locale]);
  const bucketOption = useMemo(
    (): ChartOption => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 50, right: 20, top: 20, bottom: 30 },
      xAxis: {
        type: 'category',
        data: buckets.filter((r) => r.bucket !== 'current').map((r) => r.bucket),
      },
      yAxis: { type: 'value' },
      series: [
        {
          name: t('common.accounts'),
          type: 'bar',
          data: buckets.filter((r) => r.bucket !== 'current').map((r) => r.accounts),
        },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [d, cur, i.locale],
  );
  const byChannel = (rows: { channel: string; count: number }[]) =>
    Object.entries(
      rows.reduce<Record<string, number>>(
        (m, r) => ({ ...m, [r.channel]: (m[r.channel] ?? 0) + r.count }),
        {},
      ),
    );
  return (
    <>
      <div className="stats">
        <Stat
          label={t('overview.accounts')}
          value={<span data-testid="total-accounts">{num(total)}</span>}
        />
        <Stat
          label={t('overview.delinquent')}
          value={num(delinquent)}
          sub={t('overview.delinquentShare', { share: pct(total ? delinquent / total : null) })}
        />
        <Stat
          label={`${t('overview.outstanding')} · ${cur}`}
          value={money(sumAmounts(buckets.map((r) => r.outstanding)), cur)}
        />
        <Stat
          label={`${t('overview.arrears')} · ${cur}`}
          value={money(sumAmounts(buckets.map((r) => r.arrears)), cur)}
        />
      </div>
      <nav className="tabs" aria-label={t('common.currency')}>
        {currencies.map((c) => (
          <button key={c} className={c === cur ? 'active' : undefined} onClick={() => setCur(c)}>
            {c}
          </button>
        ))}
      </nav>
      <div className="grid wide">
        <Card title={t('overview.trend')}>
          <Chart option={trendOption} label={t('overview.trend')} />
        </Card>
        <Card title={t('overview.byBucket')}>
          <Chart option={bucketOption} label={t('overview.byBucket')} height={180} />
          <Table
            rows={buckets}
            rowKey={(r) => r.bucket}
            columns={[
              {
                key: 'b',
                label: t('common.bucket'),
                render: (r) => (r.bucket === 'current' ? t('bucket.current') : r.bucket),
              },
              { key: 'a', label: t('common.accounts'), num: true, render: (r) => num(r.accounts) },
              {
                key: 'o',
                label: t('common.outstanding'),
                num: true,
                render: (r) => money(r.outstanding, r.currency),
              },
              {
                key: 'r',
                label: t('common.arrears'),
                num: true,
                render: (r) => money(r.arrears, r.currency),
              },
            ]}
          />
        </Card>
        <Card title={t('overview.byProduct')}>
          <Table
            rows={products}
            rowKey={(r) => r.product}
            columns={[
              { key: 'p', label: t('common.product'), render: (r) => tm(`product.${r.product}`) },
              { key: 'a', label: t('common.accounts'), num: true, render: (r) => num(r.accounts) },
              {
                key: 'd',
                label: t('overview.delinquent'),
                num: true,
                render: (r) => num(r.delinquent),
              },
              {
                key: 'o',
                label: t('common.outstanding'),
                num: true,
                render: (r) => money(r.outstanding, r.currency),
              },
              {
                key: 'r',
                label: t('common.arrears'),
                num: true,
                render: (r) => money(r.arrears, r.currency),
              },
            ]}
          />
        </Card>
        <Card title={t('overview.today', { date: i.date(d.today) })}>
          <div className="split">
            <div>
              <h3>{t('overview.planned')}</h3>
              <Table
                rows={byChannel(d.work.actions)}
                rowKey={(r) => r[0]}
                columns={[
                  { key: 'c', label: t('common.channel'), render: (r) => tm(`channel.${r[0]}`) },
                  { key: 'n', label: t('common.count'), num: true, render: (r) => num(r[1]) },
                ]}
              />
            </div>
            <div>
              <h3>{t('overview.contacts')}</h3>
              <Table
                rows={d.work.dispatches}
                rowKey={(r) => r.channel + r.state}
                columns={[
                  {
                    key: 'c',
                    label: t('common.channel'),
                    render: (r) => tm(`channel.${r.channel}`),
                  },
                  { key: 's', label: t('common.status'), render: (r) => tm(`state.${r.state}`) },
                  { key: 'n', label: t('common.count'), num: true, render: (r) => num(r.count) },
                ]}
              />
            </div>
          </div>
          <div className="split">
            <div>
              <h3>{t('overview.payments')}</h3>
              <CountAndAmount rows={d.work.payments} />
              <h3>{t('overview.promises')}</h3>
              <CountAndAmount rows={d.work.promises} />
            </div>
            <div>
              <h3>{t('overview.outcomes')}</h3>
              <Table
                rows={d.work.outcomes}
                rowKey={(r) => r.kind + r.outcome}
                columns={[
                  { key: 'k', label: t('common.channel'), render: (r) => tm(`channel.${r.kind}`) },
                  {
                    key: 'o',
                    label: t('common.status'),
                    render: (r) => tm(`outcome.${r.outcome}`),
                  },
                  { key: 'n', label: t('common.count'), num: true, render: (r) => num(r.count) },
                ]}
              />
            </div>
          </div>
        </Card>
      </div>
    </>
  );
}

/** A count and an amount per currency (the day's payments, or its promises). */
function CountAndAmount({ rows }: { rows: { currency: string; count: number; amount: string }[] }) {
  const { t, num, money } = useI18n();
  return (
    <Table
      rows={rows}
      rowKey={(r) => r.currency}
      columns={[
        { key: 'n', label: t('common.count'), num: true, render: (r) => num(r.count) },
        {
          key: 'a',
          label: t('common.amount'),
          num: true,
          render: (r) => money(r.amount, r.currency),
        },
      ]}
    />
  );
}
