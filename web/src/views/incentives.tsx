/**
 * Incentives: the month's statements (gross, deductions, net, grade), each one's lines showing
 * how the amount was reached (commission by bucket and tier, bonus, breach deductions), export
 * to CSV, and for supervisors the rules. A collector sees only their own statement.
 */
import { useState } from 'react';
import { get, put, qs } from '../api.ts';
import { JsonEditor } from '../components/json-editor.tsx';
import { Amounts } from '../components/minor.tsx';
import { Async, Card, Table, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { minorToAmount } from '../money.ts';
import { useUser } from '../session.ts';
import { PeriodPicker, SUPERVISING, thisMonth } from './performance.tsx';

interface Line {
  kind: string;
  bucket: string | null;
  tier: { from: number; to: number | null } | null;
  base: number | null;
  rateBp: number | null;
  amount: number;
  reason: string;
}
interface Statement {
  collector: string;
  name: string;
  team: string | null;
  period: string;
  currency: string;
  lines: Line[];
  gross: number;
  deductions: number;
  net: number;
  assessment: { score: number | null; grade: string | null; rank: number | null };
  collectedByBucket: Record<string, number>;
  breaches: { id: number; description: string }[];
}

export default function IncentivesView() {
  const { t } = useI18n();
  const user = useUser();
  const [period, setPeriod] = useState(thisMonth);
  const [open, setOpen] = useState<string | null>(null);
  const list = useLoad(
    () =>
      get<{ period: string; currency: string; statements: Statement[] }>(
        `/api/incentives/statements${qs({ period })}`,
      ),
    [period],
  );
  return (
    <div data-testid="incentives">
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>{t('nav.incentives')}</h1>
        <PeriodPicker value={period} onChange={setPeriod} />
        <a
          className="no-print"
          href={`/api/incentives/statements.csv${qs({ period })}`}
          download={`statements-${period}.csv`}
        >
          {t('common.export')}
        </a>
      </div>
      <Async state={list}>
        {(d) => {
          const m = (v: number) => <Amounts minor={{ [d.currency]: v }} />;
          const shown = d.statements.find((s) => s.collector === open) ?? d.statements[0];
          return (
            <>
              <Card title={t('inc.statements')}>
                <Table
                  rows={d.statements}
                  rowKey={(s) => s.collector}
                  columns={[
                    {
                      key: 'n',
                      label: t('perf.collector'),
                      render: (s) => (
                        <button className="link" onClick={() => setOpen(s.collector)}>
                          {s.name}
                        </button>
                      ),
                    },
                    { key: 't', label: t('common.team'), render: (s) => s.team ?? '' },
                    { key: 'g', label: t('perf.grade'), render: (s) => s.assessment.grade ?? '—' },
                    { key: 'gr', label: t('inc.gross'), num: true, render: (s) => m(s.gross) },
                    {
                      key: 'd',
                      label: t('inc.deductions'),
                      num: true,
                      render: (s) => m(s.deductions),
                    },
                    {
                      key: 'net',
                      label: t('inc.net'),
                      num: true,
                      render: (s) => <strong>{m(s.net)}</strong>,
                    },
                  ]}
                />
              </Card>
              {shown && <StatementCard s={shown} />}
            </>
          );
        }}
      </Async>
      {SUPERVISING.has(user.role) && <Rules />}
    </div>
  );
}

function StatementCard({ s }: { s: Statement }) {
  const { t, money, num, tm, month } = useI18n();
  const m = (v: number | null) =>
    v === null ? '' : money(minorToAmount(v, s.currency), s.currency);
  return (
    <Card
      title={t('inc.statementOf', { name: s.name, period: month(s.period) })}
      actions={
        <button className="no-print" onClick={() => print()}>
          {t('shell.print')}
        </button>
      }
    >
      <div data-testid="statement">
        <Table
          rows={s.lines}
          rowKey={(_, i) => i}
          columns={[
            { key: 'k', label: t('inc.line'), render: (l) => tm(`inc.kind.${l.kind}`) },
            { key: 'b', label: t('common.bucket'), render: (l) => l.bucket ?? '' },
            {
              key: 'ti',
              label: t('inc.tier'),
              render: (l) =>
                l.tier ? `${m(l.tier.from)} – ${l.tier.to === null ? '∞' : m(l.tier.to)}` : '',
            },
            { key: 'ba', label: t('inc.base'), num: true, render: (l) => m(l.base) },
            {
              key: 'r',
              label: t('inc.rate'),
              num: true,
              render: (l) => (l.rateBp === null ? '' : `${num(l.rateBp / 100, 2)} %`),
            },
            { key: 'a', label: t('common.amount'), num: true, render: (l) => m(l.amount) },
            {
              key: 'w',
              label: t('common.reason'),
              render: (l) => <span className="small">{l.reason}</span>,
            },
          ]}
        />
        <p>
          {t('inc.gross')} {m(s.gross)} − {t('inc.deductions')} {m(s.deductions)} ={' '}
          <strong>{m(s.net)}</strong>
        </p>
        {s.breaches.length > 0 && (
          <p className="small warn">
            {t('inc.breaches')}: {s.breaches.map((b) => b.description).join('; ')}
          </p>
        )}
      </div>
    </Card>
  );
}

function Rules() {
  const { t } = useI18n();
  const r = useLoad(() => get<unknown>('/api/incentives/rules'), []);
  return (
    <Card title={t('inc.rules')}>
      <p className="muted small">{t('inc.rulesHelp')}</p>
      <Async state={r}>
        {(d) => (
          <JsonEditor
            value={d}
            label={t('inc.rules')}
            onSave={(doc) => put('/api/incentives/rules', doc)}
          />
        )}
      </Async>
    </Card>
  );
}
