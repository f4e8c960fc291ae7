/**
 * Compliance: the rule sets in force; contacts by channel and the customer's local hour and the
 * contacts the rules blocked, by rule, over a period; every contact of a period decided again
 * under the rules in force then; the audit log, filtered and paged by the server; and the check
 * of the audit trail's hash chain (whether it holds, its head to note, or where it breaks).
 */
import { Fragment, useEffect, useMemo, useState } from 'react';
import { ApiError, get, qs } from '../api.ts';
import { Chart, type ChartOption } from '../components/chart.tsx';
import { Tabs, useTab } from '../components/tabs.tsx';
import {
  Async,
  Card,
  ErrorNote,
  Field,
  Pager,
  Stat,
  Table,
  useAction,
  useLoad,
} from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';

const TABS = ['report', 'contacts', 'rules', 'log', 'chain'] as const;
type Tab = (typeof TABS)[number];

export default function ComplianceView() {
  const { t } = useI18n();
  const tab = useTab(TABS);
  return (
    <div data-testid="compliance">
      <h1>{t('nav.compliance')}</h1>
      <Tabs
        view="compliance"
        current={tab}
        tabs={TABS.map((k: Tab) => ({ key: k, label: t(`compliance.tab.${k}`) }))}
      />
      {tab === 'report' && <Report />}
      {tab === 'contacts' && <ContactAudit />}
      {tab === 'rules' && <RuleSets />}
      {tab === 'log' && <AuditLog />}
      {tab === 'chain' && <Chain />}
    </div>
  );
}

/** A period chosen by two dates, the last seven days to start with. */
function usePeriod() {
  const { t } = useI18n();
  const [from, setFrom] = useState(() => isoDay(-6));
  const [to, setTo] = useState(() => isoDay(0));
  const fields = (
    <>
      <Field label={t('common.from')}>
        <input
          type="date"
          data-testid="period-from"
          value={from}
          max={to}
          onChange={(e) => e.target.value && setFrom(e.target.value)}
        />
      </Field>
      <Field label={t('common.to')}>
        <input
          type="date"
          data-testid="period-to"
          value={to}
          min={from}
          onChange={(e) => e.target.value && setTo(e.target.value)}
        />
      </Field>
    </>
  );
  return { from, to, fields };
}

interface Report {
  from: string;
  to: string;
  contactsByHour: { channel: string; hour: number; contacts: number }[];
  blocksByRule: { rule: string; stage: string; decisions: number }[];
  decisions: { allowed: number; denied: number };
  dispatches: Record<string, Record<string, number>>;
}

function Report() {
  const { t, tm, num, pct } = useI18n();
  const period = usePeriod();
  const report = useLoad(
    () => get<Report>(`/api/compliance/report${qs({ from: period.from, to: period.to })}`),
    [period.from, period.to],
  );
  return (
    <>
      <div className="toolbar">{period.fields}</div>
      <Async state={report}>
        {(r) => {
          const total = r.decisions.allowed + r.decisions.denied;
          const contacts = r.contactsByHour.reduce((s, x) => s + x.contacts, 0);
          return (
            <>
              <div className="stats">
                <Stat label={t('compliance.contacts')} value={num(contacts)} />
                <Stat label={t('compliance.allowed')} value={num(r.decisions.allowed)} />
                <Stat
                  label={t('compliance.denied')}
                  value={num(r.decisions.denied)}
                  sub={t('compliance.deniedShare', {
                    share: pct(total ? r.decisions.denied / total : null),
                  })}
                />
              </div>
              <div className="grid wide">
                <Card title={t('compliance.blocksByRule')}>
                  <BlocksChart rows={r.blocksByRule} />
                  <Table
                    rows={r.blocksByRule}
                    rowKey={(b) => `${b.rule}/${b.stage}`}
                    empty={t('compliance.noBlocks')}
                    columns={[
                      {
                        key: 'r',
                        label: t('compliance.rule'),
                        render: (b) => <code>{b.rule}</code>,
                      },
                      {
                        key: 's',
                        label: t('compliance.stage'),
                        render: (b) => tm(`compliance.stage.${b.stage}`),
                      },
                      {
                        key: 'n',
                        label: t('compliance.decisions'),
                        num: true,
                        render: (b) => num(b.decisions),
                      },
                      {
                        key: 'p',
                        label: t('compliance.shareOfDenied'),
                        num: true,
                        render: (b) =>
                          pct(r.decisions.denied ? b.decisions / r.decisions.denied : null),
                      },
                    ]}
                  />
                </Card>
                <Card title={t('compliance.dispatches')}>
                  <Pivot
                    rows={Object.entries(r.dispatches).flatMap(([channel, states]) =>
                      Object.entries(states).map(([state, n]) => ({ row: channel, col: state, n })),
                    )}
                    rowLabel={t('common.channel')}
                    rowName={(c) => tm(`channel.${c}`)}
                    colName={(s) => tm(`state.${s}`)}
                  />
                </Card>
              </div>
              <Card title={t('compliance.contactsByHour')}>
                <p className="muted small">{t('compliance.localHourNote')}</p>
                <Pivot
                  rows={r.contactsByHour.map((x) => ({
                    row: x.channel,
                    col: String(x.hour).padStart(2, '0'),
                    n: x.contacts,
                  }))}
                  rowLabel={t('common.channel')}
                  rowName={(c) => tm(`channel.${c}`)}
                  colName={(h) => `${h}:00`}
                  numericCols
                />
              </Card>
            </>
          );
        }}
      </Async>
    </>
  );
}

function BlocksChart({ rows }: { rows: Report['blocksByRule'] }) {
  const { t, tm } = useI18n();
  const option = useMemo<ChartOption>(() => {
    const rules = [...new Set(rows.map((r) => r.rule))];
    const totals = new Map(rules.map((x) => [x, 0]));
    for (const r of rows) totals.set(r.rule, totals.get(r.rule)! + r.decisions);
    rules.sort((a, b) => totals.get(a)! - totals.get(b)!);
    const stages = [...new Set(rows.map((r) => r.stage))];
    return {
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: rules },
      series: stages.map((s) => ({
        type: 'bar',
        stack: 'blocks',
        name: tm(`compliance.stage.${s}`),
        data: rules.map(
          (rule) => rows.find((r) => r.rule === rule && r.stage === s)?.decisions ?? 0,
        ),
      })),
    };
  }, [rows, tm]);
  if (rows.length === 0) return null;
  return (
    <Chart
      option={option}
      height={Math.max(160, 40 + 28 * new Set(rows.map((r) => r.rule)).size)}
      label={t('compliance.blocksByRule')}
    />
  );
}

/** Counts by a row and a column (channel by hour, channel by state), with totals. */
function Pivot({
  rows,
  rowLabel,
  rowName,
  colName,
  numericCols = false,
}: {
  rows: { row: string; col: string; n: number }[];
  rowLabel: string;
  rowName: (r: string) => string;
  colName: (c: string) => string;
  numericCols?: boolean;
}) {
  const { t, num } = useI18n();
  const rowKeys = [...new Set(rows.map((r) => r.row))].sort();
  const colKeys = [...new Set(rows.map((r) => r.col))].sort(
    numericCols ? (a, b) => Number(a) - Number(b) : undefined,
  );
  const cell = new Map(rows.map((r) => [`${r.row}\u0000${r.col}`, r.n]));
  const sumRow = (rk: string) =>
    colKeys.reduce((s, c) => s + (cell.get(`${rk}\u0000${c}`) ?? 0), 0);
  const sumCol = (ck: string) =>
    rowKeys.reduce((s, r) => s + (cell.get(`${r}\u0000${ck}`) ?? 0), 0);
  const TOTAL = '\u0000total';
  return (
    <Table
      rows={rowKeys.length > 0 ? [...rowKeys, TOTAL] : []}
      rowKey={(r) => r}
      empty={t('common.none')}
      columns={[
        {
          key: 'r',
          label: rowLabel,
          render: (r) => (r === TOTAL ? <strong>{t('common.total')}</strong> : rowName(r)),
        },
        ...colKeys.map((c) => ({
          key: c,
          label: colName(c),
          num: true,
          render: (r: string) =>
            r === TOTAL ? (
              <strong>{num(sumCol(c))}</strong>
            ) : cell.has(`${r}\u0000${c}`) ? (
              num(cell.get(`${r}\u0000${c}`))
            ) : (
              <span className="muted">·</span>
            ),
        })),
        {
          key: '\u0000t',
          label: t('common.total'),
          num: true,
          render: (r: string) => (
            <strong>{num(r === TOTAL ? rows.reduce((s, x) => s + x.n, 0) : sumRow(r))}</strong>
          ),
        },
      ]}
    />
  );
}

interface Violation {
  attemptId: number;
  customerId: number;
  ts: string;
  channel: string;
  reasons: { rule: string; message: string }[];
}
interface ContactAuditResult {
  from: string;
  to: string;
  customers: number;
  contacts: number;
  violations: Violation[];
  violationCount: number;
}

const VIOLATIONS_PAGE = 50;

function ContactAudit() {
  const { t, tm, num, dateTime } = useI18n();
  const period = usePeriod();
  const [result, setResult] = useState<ContactAuditResult | null>(null);
  const [page, setPage] = useState(1);
  const run = useAction(async () => {
    setResult(
      await get<ContactAuditResult>(
        `/api/compliance/audit${qs({ from: period.from, to: period.to })}`,
      ),
    );
    setPage(1);
  });
  const shown = result?.violations.slice((page - 1) * VIOLATIONS_PAGE, page * VIOLATIONS_PAGE);
  return (
    <Card title={t('compliance.contactAudit')}>
      <p className="muted small">{t('compliance.contactAuditNote')}</p>
      <div className="toolbar">
        {period.fields}
        <button
          className="primary"
          data-testid="run-audit"
          disabled={run.busy}
          onClick={() => void run.run()}
        >
          {run.busy ? t('common.loading') : t('compliance.runAudit')}
        </button>
      </div>
      {run.error && <ErrorNote error={run.error} />}
      {result && shown && (
        <>
          <div className="stats">
            <Stat label={t('compliance.customers')} value={num(result.customers)} />
            <Stat label={t('compliance.contacts')} value={num(result.contacts)} />
            <Stat
              label={t('compliance.violations')}
              value={
                <span className={result.violationCount ? 'bad' : 'ok'}>
                  {num(result.violationCount)}
                </span>
              }
              sub={
                result.violationCount > result.violations.length
                  ? t('compliance.firstShown', { n: num(result.violations.length) })
                  : undefined
              }
            />
          </div>
          {result.violationCount === 0 ? (
            <p className="ok" data-testid="audit-clean">
              {t('compliance.noViolations')}
            </p>
          ) : (
            <>
              <Table
                rows={shown}
                rowKey={(v) => `${v.attemptId}`}
                columns={[
                  { key: 'ts', label: t('compliance.when'), render: (v) => dateTime(v.ts) },
                  {
                    key: 'c',
                    label: t('common.channel'),
                    render: (v) => tm(`channel.${v.channel}`),
                  },
                  { key: 'cu', label: t('compliance.customerNo'), render: (v) => v.customerId },
                  { key: 'a', label: t('compliance.attempt'), render: (v) => v.attemptId },
                  {
                    key: 'r',
                    label: t('common.reason'),
                    render: (v) => (
                      <ul className="plain">
                        {v.reasons.map((x, i) => (
                          <li key={i}>
                            <code>{x.rule}</code> {x.message}
                          </li>
                        ))}
                      </ul>
                    ),
                  },
                ]}
              />
              <Pager
                page={page}
                hasNext={page * VIOLATIONS_PAGE < result.violations.length}
                onPage={setPage}
              />
            </>
          )}
        </>
      )}
    </Card>
  );
}

interface RuleSet {
  id: string;
  version: number;
  jurisdictions: string[];
  contactHours: { from: string; to: string; channels: string[] };
  limits: {
    callsPer7Days: number | null;
    quietDaysAfterConversation: number | null;
    connectedCallsPerDay: number | null;
    unansweredPerNumberPerDay: number | null;
  };
  rules: string[];
  sources: string[];
  customers: Record<string, number>;
}
interface RuleSets {
  ruleSets: RuleSet[];
  uncovered: Record<string, number>;
  calendars: Record<string, { days: number; from: string | null; to: string | null }>;
}
const LIMITS = [
  'callsPer7Days',
  'quietDaysAfterConversation',
  'connectedCallsPerDay',
  'unansweredPerNumberPerDay',
] as const;

function RuleSets() {
  const { t, tm, num, date } = useI18n();
  const sets = useLoad(
    () =>
      get<RuleSets>('/api/compliance/rule-sets').catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return null;
        throw e;
      }),
    [],
  );
  return (
    <Async state={sets}>
      {(d) =>
        d === null ? (
          <p className="muted" data-testid="rule-sets-missing">
            {t('compliance.ruleSetsMissing')}
          </p>
        ) : (
          <>
            {Object.keys(d.uncovered).length > 0 && (
              <div className="error" role="alert" data-testid="uncovered">
                {t('compliance.uncovered')}{' '}
                {Object.entries(d.uncovered)
                  .map(([j, n]) => `${j}: ${num(n)}`)
                  .join(', ')}
              </div>
            )}
            <div className="grid wide" data-testid="rule-sets">
              {d.ruleSets.map((r) => {
                const governed = Object.values(r.customers).reduce((s, n) => s + n, 0);
                return (
                  <Card
                    key={r.id}
                    title={
                      <>
                        {r.id} <span className="muted small">v{r.version}</span>
                      </>
                    }
                    actions={
                      <span className="tag good">
                        {t('compliance.governs', { n: num(governed) })}
                      </span>
                    }
                  >
                    <dl className="facts">
                      <dt>{t('compliance.jurisdictions')}</dt>
                      <dd>
                        {r.jurisdictions.map((j) => (
                          <span key={j} className="tag">
                            {j}
                          </span>
                        ))}
                      </dd>
                      <dt>{t('compliance.customers')}</dt>
                      <dd>
                        {Object.entries(r.customers)
                          .map(([j, n]) => `${j} ${num(n)}`)
                          .join(' · ') || '—'}
                      </dd>
                      <dt>{t('compliance.contactHours')}</dt>
                      <dd>
                        {r.contactHours.from}–{r.contactHours.to}{' '}
                        <span className="muted small">
                          {t('compliance.localTime')} ·{' '}
                          {r.contactHours.channels.map((c) => tm(`channel.${c}`)).join(', ')}
                        </span>
                      </dd>
                      {LIMITS.filter((k) => r.limits[k] !== null).map((k) => (
                        <Fragment key={k}>
                          <dt>{t(`compliance.limit.${k}`)}</dt>
                          <dd>{num(r.limits[k])}</dd>
                        </Fragment>
                      ))}
                    </dl>
                    <h3>{t('compliance.rules')}</h3>
                    <ul className="small">
                      {r.rules.map((x, i) => (
                        <li key={i}>{x}</li>
                      ))}
                    </ul>
                    <h3>{t('compliance.sources')}</h3>
                    <ul className="small muted">
                      {r.sources.map((x, i) => (
                        <li key={i}>{x}</li>
                      ))}
                    </ul>
                  </Card>
                );
              })}
            </div>
            <Card title={t('compliance.calendars')}>
              <Table
                rows={Object.entries(d.calendars)}
                rowKey={([j]) => j}
                columns={[
                  { key: 'j', label: t('compliance.jurisdiction'), render: ([j]) => j },
                  {
                    key: 'n',
                    label: t('compliance.calendarDays'),
                    num: true,
                    render: ([, c]) => num(c.days),
                  },
                  { key: 'f', label: t('common.from'), render: ([, c]) => date(c.from) },
                  { key: 't', label: t('common.to'), render: ([, c]) => date(c.to) },
                ]}
              />
            </Card>
          </>
        )
      }
    </Async>
  );
}

interface AuditEntry {
  seq: number;
  at: string;
  actor: string;
  role: string;
  action: string;
  entity: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
  hash: string;
}
interface AuditFilter {
  entity: string;
  entityId: string;
  actor: string;
  action: string;
}

const LOG_PAGE = 50;

function AuditLog() {
  const { t, tm, dateTime } = useI18n();
  const empty: AuditFilter = { entity: '', entityId: '', actor: '', action: '' };
  const [draft, setDraft] = useState<AuditFilter>(empty);
  const [filter, setFilter] = useState<AuditFilter>(empty);
  // the newest page first; each later page starts below the last seq of the one before
  const [cursors, setCursors] = useState<(number | undefined)[]>([undefined]);
  const beforeSeq = cursors[cursors.length - 1];
  const log = useLoad(
    () =>
      get<{ entries: AuditEntry[] }>(
        `/api/audit${qs({ ...filter, beforeSeq, limit: LOG_PAGE + 1 })}`,
      ),
    [filter, beforeSeq],
  );
  const set = (k: keyof AuditFilter) => (e: { target: { value: string } }) =>
    setDraft({ ...draft, [k]: e.target.value });
  return (
    <Card title={t('compliance.auditLog')}>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setFilter({ ...draft });
          setCursors([undefined]);
        }}
      >
        <Field label={t('compliance.actor')}>
          <input value={draft.actor} onChange={set('actor')} data-testid="audit-actor" />
        </Field>
        <Field label={t('compliance.action')}>
          <input
            value={draft.action}
            onChange={set('action')}
            placeholder={t('compliance.actionHint')}
          />
        </Field>
        <Field label={t('compliance.entity')}>
          <input value={draft.entity} onChange={set('entity')} />
        </Field>
        <Field label={t('compliance.entityId')}>
          <input value={draft.entityId} onChange={set('entityId')} />
        </Field>
        <button type="submit" className="primary">
          {t('common.search')}
        </button>
      </form>
      <Async state={log}>
        {(d) => {
          const entries = d.entries.slice(0, LOG_PAGE);
          return (
            <>
              <Table
                rows={entries}
                rowKey={(e) => e.seq}
                columns={[
                  { key: 'seq', label: '#', num: true, render: (e) => e.seq },
                  { key: 'at', label: t('compliance.when'), render: (e) => dateTime(e.at) },
                  {
                    key: 'who',
                    label: t('compliance.actor'),
                    render: (e) => (
                      <>
                        {e.actor} <span className="muted small">{tm(`role.${e.role}`)}</span>
                      </>
                    ),
                  },
                  {
                    key: 'a',
                    label: t('compliance.action'),
                    render: (e) => <code>{e.action}</code>,
                  },
                  {
                    key: 'e',
                    label: t('compliance.entity'),
                    render: (e) => (
                      <>
                        {e.entity}
                        {e.entityId !== null && <span className="muted"> {e.entityId}</span>}
                      </>
                    ),
                  },
                  {
                    key: 'c',
                    label: t('compliance.change'),
                    render: (e) =>
                      e.before === null && e.after === null ? (
                        ''
                      ) : (
                        <details>
                          <summary>{t('compliance.show')}</summary>
                          {e.before !== null && (
                            <>
                              <div className="muted small">{t('compliance.before')}</div>
                              <pre className="small json">{JSON.stringify(e.before, null, 2)}</pre>
                            </>
                          )}
                          {e.after !== null && (
                            <>
                              <div className="muted small">{t('compliance.after')}</div>
                              <pre className="small json">{JSON.stringify(e.after, null, 2)}</pre>
                            </>
                          )}
                        </details>
                      ),
                  },
                ]}
              />
              <Pager
                page={cursors.length}
                hasNext={d.entries.length > LOG_PAGE}
                onPage={(p) =>
                  p < cursors.length
                    ? setCursors(cursors.slice(0, p))
                    : setCursors([...cursors, entries[entries.length - 1]!.seq])
                }
              />
            </>
          );
        }}
      </Async>
    </Card>
  );
}

interface Verify {
  ok: boolean;
  checked: number;
  count: number;
  head: { seq: number; hash: string };
  broken: { seq: number; reason: string; detail: string } | null;
  expectedHeadFound: boolean | null;
}

function Chain() {
  const { t, num, dateTime } = useI18n();
  const [expectSeq, setExpectSeq] = useState('');
  const [expectHash, setExpectHash] = useState('');
  const [result, setResult] = useState<(Verify & { at: string }) | null>(null);
  const check = useAction(async () => {
    const r = await get<Verify>(
      `/api/audit/verify${qs(
        expectSeq && expectHash.trim()
          ? { expectSeq: Number(expectSeq), expectHash: expectHash.trim() }
          : {},
      )}`,
    );
    setResult({ ...r, at: new Date().toISOString() });
  });
  // check once on opening; again on demand, against a head noted before
  useEffect(() => {
    void check.run();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return (
    <Card title={t('compliance.chain')}>
      <p className="muted small">{t('compliance.chainNote')}</p>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          void check.run();
        }}
      >
        <Field label={t('compliance.expectSeq')}>
          <input
            type="number"
            min={1}
            value={expectSeq}
            onChange={(e) => setExpectSeq(e.target.value)}
          />
        </Field>
        <Field label={t('compliance.expectHash')}>
          <input
            value={expectHash}
            onChange={(e) => setExpectHash(e.target.value)}
            size={40}
            spellCheck={false}
          />
        </Field>
        <button type="submit" className="primary" disabled={check.busy} data-testid="verify">
          {check.busy ? t('common.loading') : t('compliance.verify')}
        </button>
      </form>
      {check.error && <ErrorNote error={check.error} />}
      {result && (
        <div data-testid="chain-result" data-ok={result.ok}>
          <p>
            {result.ok ? (
              <span className="tag good">{t('compliance.chainHolds')}</span>
            ) : (
              <span className="tag bad">{t('compliance.chainBroken')}</span>
            )}{' '}
            <span className="muted small">
              {t('compliance.checkedAt', { at: dateTime(result.at) })}
            </span>
          </p>
          <div className="stats">
            <Stat
              label={t('compliance.checked')}
              value={num(result.checked)}
              sub={t('compliance.ofEntries', { n: num(result.count) })}
            />
            <Stat label={t('compliance.headSeq')} value={num(result.head.seq)} />
          </div>
          <p>
            <span className="muted">{t('compliance.headHash')}</span>{' '}
            <code className="hash" data-testid="head-hash">
              {result.head.hash}
            </code>
          </p>
          {result.broken && (
            <div className="error" data-testid="chain-broken">
              {t('compliance.breaksAt', { seq: result.broken.seq })}: {result.broken.reason}
              <div className="small">{result.broken.detail}</div>
            </div>
          )}
          {result.expectedHeadFound === false && (
            <p className="error">{t('compliance.expectedMissing')}</p>
          )}
          {result.expectedHeadFound === true && (
            <p className="ok">{t('compliance.expectedFound')}</p>
          )}
        </div>
      )}
    </Card>
  );
}

/** A calendar day n days from today in the browser's zone. */
function isoDay(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
