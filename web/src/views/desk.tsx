/**
 * The collector's desk: the next task in one click, the customer and the call script beside it,
 * start the call (the contact rules decide it now), record the outcome with a promise or offer a
 * plan, then the next task. The collector's own list of tasks is below.
 */
import { useState } from 'react';
import { get, post, qs } from '../api.ts';
import { CustomerFile } from '../components/customer-file.tsx';
import { Async, Card, ErrorNote, Field, Table, useAction, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { minorToAmount } from '../money.ts';
import { useUser } from '../session.ts';
import { PlanForm } from '../components/plan-form.tsx';
import { href } from '../router.ts';

export interface DeskTask {
  id: number;
  source: string;
  queue: string;
  state: string;
  dueOn: string;
  dueAt: string | null;
  amountAtRisk: number | null;
  payProbability: number | null;
  reason: string | null;
  segmentId: string | null;
  account: {
    id: string;
    product: string;
    currency: string;
    outstanding: number | null;
    arrears: number | null;
    pastDueDays: number | null;
    bucket: string | null;
  };
  customer: {
    id: string;
    name: string;
    phone: string | null;
    language: string;
    timezone: string;
    jurisdiction: string;
  };
}
/** A task as the collector's list gives it. */
interface ListedTask {
  id: number;
  source: string;
  accountExt: string;
  customerExt: string;
  customerName: string;
  queue: string;
  dueOn: string;
  state: string;
}
interface Next {
  task: DeskTask | null;
  held: boolean;
  script: { title: string; body: string } | null;
}

const OUTCOMES = [
  'promise_to_pay',
  'conversation',
  'no_answer',
  'busy',
  'voicemail',
  'wrong_number',
  'not_in_service',
  'refused',
  'dispute',
  'hardship',
] as const;

export default function DeskView() {
  const { t } = useI18n();
  const [next, setNext] = useState<Next | null>(null);
  const [phase, setPhase] = useState<'idle' | 'started' | 'recorded'>('idle');
  const [listKey, setListKey] = useState(0);
  const take = useAction(async () => {
    const n = await post<Next>('/api/desk/next');
    setNext(n);
    setPhase(n.task?.state === 'in_progress' ? 'started' : 'idle');
  });
  return (
    <div data-testid="desk">
      <div className="toolbar">
        <h1 style={{ margin: 0 }}>{t('nav.desk')}</h1>
        <button
          className="primary"
          data-testid="next-task"
          disabled={take.busy}
          onClick={() => void take.run()}
        >
          {t('desk.next')}
        </button>
      </div>
      {take.error && <ErrorNote error={take.error} />}
      {next && !next.task && (
        <p className="muted" data-testid="no-task">
          {t('desk.noTask')}
        </p>
      )}
      {next?.task && (
        <div className="split">
          <div>
            <TaskCard task={next.task} held={next.held} />
            {next.script && (
              <Card title={`${t('desk.script')}: ${next.script.title}`}>
                <div data-testid="script" style={{ whiteSpace: 'pre-wrap' }}>
                  {next.script.body}
                </div>
              </Card>
            )}
            <CallPanel
              key={next.task.id}
              task={next.task}
              phase={phase}
              onPhase={(p) => {
                setPhase(p);
                if (p === 'recorded') setListKey((k) => k + 1);
              }}
              onReleased={() => {
                setNext(null);
                setPhase('idle');
                setListKey((k) => k + 1);
              }}
            />
          </div>
          <div>
            <CustomerFile id={next.task.customer.id} compact />
          </div>
        </div>
      )}
      <MyTasks key={listKey} />
    </div>
  );
}

function TaskCard({ task, held }: { task: DeskTask; held: boolean }) {
  const { t, money, num, pct, locale, tm } = useI18n();
  const c = task.account.currency;
  const m = (minor: number | null) => (minor === null ? '—' : money(minorToAmount(minor, c), c));
  const local = new Intl.DateTimeFormat(locale, {
    timeZone: task.customer.timezone,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
  }).format(new Date());
  return (
    <Card
      title={
        <span data-testid="task-customer">
          {task.customer.name} <span className="muted small">{task.customer.id}</span>
        </span>
      }
      actions={held && <span className="tag">{t('desk.held')}</span>}
    >
      <div className="stats">
        <div className="stat">
          <div className="stat-label">{t('customer.phone')}</div>
          <div className="stat-value" style={{ fontSize: '1.1rem' }}>
            {task.customer.phone ?? '—'}
          </div>
          <div className="stat-sub">
            {t('desk.localTime')}: {local} ({task.customer.timezone})
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">{t('common.arrears')}</div>
          <div className="stat-value">{m(task.account.arrears)}</div>
          <div className="stat-sub">
            {t('common.outstanding')} {m(task.account.outstanding)}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">{t('customer.dpd')}</div>
          <div className="stat-value">{num(task.account.pastDueDays)}</div>
          <div className="stat-sub">
            {task.account.bucket} · {tm(`product.${task.account.product}`)} · {task.account.id}
          </div>
        </div>
        <div className="stat">
          <div className="stat-label">{t('desk.payProbability')}</div>
          <div className="stat-value">{pct(task.payProbability)}</div>
          <div className="stat-sub">
            {tm(`source.${task.source}`)} · {task.queue}
          </div>
        </div>
      </div>
      {task.reason && <p className="small muted">{task.reason}</p>}
    </Card>
  );
}

function CallPanel({
  task,
  phase,
  onPhase,
  onReleased,
}: {
  task: DeskTask;
  phase: 'idle' | 'started' | 'recorded';
  onPhase: (p: 'idle' | 'started' | 'recorded') => void;
  onReleased: () => void;
}) {
  const { t, tm } = useI18n();
  const user = useUser();
  const [outcome, setOutcome] = useState<string>('promise_to_pay');
  const [notes, setNotes] = useState('');
  const [amount, setAmount] = useState(
    task.account.arrears !== null ? minorToAmount(task.account.arrears, task.account.currency) : '',
  );
  const [promisedFor, setPromisedFor] = useState(() => isoDay(7));
  const [callbackAt, setCallbackAt] = useState('');
  const [showPlan, setShowPlan] = useState(false);
  const start = useAction(async () => {
    await post(`/api/tasks/${task.id}/start`, { by: user.id });
    onPhase('started');
  });
  const release = useAction(async () => {
    await post(`/api/desk/tasks/${task.id}/release`, { defer: true });
    onReleased();
  });
  const record = useAction(async () => {
    await post(`/api/tasks/${task.id}/outcome`, {
      outcome,
      by: user.id,
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      ...(outcome === 'promise_to_pay' ? { promise: { amount, promisedFor } } : {}),
      ...(callbackAt ? { callbackAt: new Date(callbackAt).toISOString() } : {}),
    });
    onPhase('recorded');
  });
  if (phase === 'recorded')
    return (
      <Card>
        <p className="ok" data-testid="outcome-recorded">
          {t('desk.recorded')}
        </p>
      </Card>
    );
  return (
    <Card title={t('desk.call')}>
      {phase === 'idle' ? (
        <div className="form-row">
          <button
            className="primary"
            data-testid="start-call"
            disabled={start.busy}
            onClick={() => void start.run()}
          >
            {t('desk.start')}
          </button>
          <button disabled={release.busy} onClick={() => void release.run()}>
            {t('desk.release')}
          </button>
        </div>
      ) : (
        <form
          className="form-grid"
          onSubmit={(e) => {
            e.preventDefault();
            void record.run();
          }}
        >
          <Field label={t('desk.outcome')}>
            <select
              data-testid="outcome"
              value={outcome}
              onChange={(e) => setOutcome(e.target.value)}
            >
              {OUTCOMES.map((o) => (
                <option key={o} value={o}>
                  {tm(`outcome.${o}`)}
                </option>
              ))}
            </select>
          </Field>
          {outcome === 'promise_to_pay' && (
            <div className="form-row">
              <Field label={`${t('desk.promiseAmount')} (${task.account.currency})`}>
                <input
                  data-testid="promise-amount"
                  inputMode="decimal"
                  value={amount}
                  onChange={(e) => setAmount(e.target.value)}
                />
              </Field>
              <Field label={t('desk.promiseDate')}>
                <input
                  data-testid="promise-date"
                  type="date"
                  value={promisedFor}
                  onChange={(e) => setPromisedFor(e.target.value)}
                />
              </Field>
            </div>
          )}
          <Field label={t('desk.callback')}>
            <input
              type="datetime-local"
              value={callbackAt}
              onChange={(e) => setCallbackAt(e.target.value)}
            />
          </Field>
          <Field label={t('common.notes')}>
            <textarea
              data-testid="notes"
              rows={3}
              value={notes}
              onChange={(e) => setNotes(e.target.value)}
            />
          </Field>
          <div className="form-row">
            <button
              type="submit"
              className="primary"
              data-testid="record-outcome"
              disabled={record.busy}
            >
              {t('desk.record')}
            </button>
            <button type="button" onClick={() => setShowPlan(!showPlan)}>
              {t('desk.offerPlan')}
            </button>
          </div>
        </form>
      )}
      {(start.error ?? record.error ?? release.error) && (
        <ErrorNote error={(start.error ?? record.error ?? release.error)!} />
      )}
      {showPlan && <PlanForm account={task.account.id} currency={task.account.currency} />}
    </Card>
  );
}

function MyTasks() {
  const { t, date, tm } = useI18n();
  const list = useLoad(
    () => get<{ tasks: ListedTask[] }>(`/api/desk/tasks${qs({ limit: 25, state: 'assigned' })}`),
    [],
  );
  return (
    <Card title={t('desk.myTasks')}>
      <Async state={list}>
        {(d) => (
          <Table
            rows={d.tasks}
            rowKey={(r) => r.id}
            columns={[
              { key: 'd', label: t('common.date'), render: (r) => date(r.dueOn) },
              {
                key: 'c',
                label: t('nav.customers'),
                render: (r) => <a href={href('customers', r.customerExt)}>{r.customerName}</a>,
              },
              { key: 'a', label: t('common.accounts'), render: (r) => r.accountExt },
              { key: 's', label: t('common.status'), render: (r) => tm(`state.${r.state}`) },
              { key: 'q', label: t('desk.queue'), render: (r) => r.queue },
            ]}
          />
        )}
      </Async>
    </Card>
  );
}

/** A calendar day n days from today in the browser's zone (a default for a form field). */
function isoDay(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
