/**
 * The field agent's day: the visits in route order, each with the planned arrival, the
 * customer, the address and the amount due, directions from the stop before and a map; start
 * the visit (the contact rules decide it now) and record what happened, with the place it was
 * recorded if the agent allows it and a promise when one was made. Supervisors and
 * administrators pick the agent and the day.
 */
import { useState } from 'react';
import { get, post, qs } from '../api.ts';
import { Async, ErrorNote, Field, Stat, useAction, useLoad } from '../components/ui.tsx';
import { useI18n } from '../i18n/index.tsx';
import { href, useRoute } from '../router.ts';
import { useUser } from '../session.ts';
import { maySupervise } from '../../../src/domain/access/roles.ts';
import { OUTCOMES } from '../../../src/domain/compliance/types.ts';

export interface Visit {
  id: number;
  kind: string;
  accountExt: string;
  customerExt: string;
  customerName: string;
  dueOn: string;
  state: string;
  assignee: string | null;
  routeSeq: number | null;
  plannedArrival: number | null;
  reason: string | null;
  outcome: string | null;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  address: string | null;
  timezone: string;
  startedAt: string | null;
}

interface AccountDue {
  currency: string;
  live?: { arrears: string; outstanding: string; pastDueDays: number; bucket: string } | null;
  state?: { arrears: string; outstanding: string; pastDueDays: number; bucket: string } | null;
}

/** What a visit may end in: the visit's own two, then the call outcomes the server allows. */
export const VISIT_OUTCOMES: readonly string[] = [
  'visited',
  'not_home',
  ...OUTCOMES.filter((o) => o !== 'sent' && o !== 'delivered'),
];

/** The most visits one agent has in a day is far below this; one page holds the route. */
const ROUTE_LIMIT = 200;

export default function FieldView() {
  const { t } = useI18n();
  const user = useUser();
  const supervising = maySupervise(user.role);
  const route = useRoute();
  // the agent and the day live in the address, so a supervisor's view can be bookmarked
  const agent = supervising ? (route.query.get('agent') ?? '') : user.id;
  const day = route.query.get('date') ?? isoDay(0);
  const show = (next: { agent?: string; date?: string }) =>
    location.replace(
      href('field') +
        qs({ agent: supervising ? (next.agent ?? agent) : undefined, date: next.date ?? day }),
    );
  const setAgent = (a: string) => show({ agent: a });
  const setDay = (d: string) => show({ date: d });
  const [agentText, setAgentText] = useState(agent);
  return (
    <div data-testid="field" className="field-view">
      <h1>{t('nav.field')}</h1>
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          setAgent(agentText.trim());
        }}
      >
        {supervising && (
          <AgentPicker
            value={agentText}
            onChange={(v) => setAgentText(v)}
            onPick={(v) => {
              setAgentText(v);
              setAgent(v);
            }}
          />
        )}
        <Field label={t('common.date')}>
          <input
            type="date"
            data-testid="field-date"
            value={day}
            onChange={(e) => e.target.value && setDay(e.target.value)}
          />
        </Field>
        {supervising && (
          <button type="submit" className="primary">
            {t('field.show')}
          </button>
        )}
      </form>
      {agent ? <Route agent={agent} day={day} /> : <p className="muted">{t('field.pickAgent')}</p>}
    </div>
  );
}

export interface Territory {
  territory: string;
  capacity: number;
  agents: {
    id: string;
    name: string;
    capacity: number;
    base: { lat: number; lon: number };
    radiusKm: number;
    shiftStart: string;
    shiftEnd: string;
    languages: string[];
    active: boolean;
  }[];
}

/** The field territories with their agents (and each agent's base, where the day starts). */
function useTerritories() {
  return useLoad(
    () =>
      get<{ territories: Territory[] }>('/api/territories').then(
        (r) => r.territories,
        () => [] as Territory[],
      ),
    [],
  );
}

/** The active field agents by territory; any id may be typed where there is no list. */
function AgentPicker({
  value,
  onChange,
  onPick,
}: {
  value: string;
  onChange: (v: string) => void;
  onPick: (v: string) => void;
}) {
  const { t } = useI18n();
  const territories = useTerritories().data ?? [];
  const any = territories.some((x) => x.agents.some((a) => a.active));
  return (
    <Field label={t('field.agent')}>
      {any ? (
        <select data-testid="field-agent" value={value} onChange={(e) => onPick(e.target.value)}>
          <option value="">{t('field.chooseAgent')}</option>
          {territories.map((x) => (
            <optgroup key={x.territory} label={x.territory}>
              {x.agents
                .filter((a) => a.active || a.id === value)
                .map((a) => (
                  <option key={a.id} value={a.id}>
                    {a.name} ({a.id})
                  </option>
                ))}
            </optgroup>
          ))}
        </select>
      ) : (
        <input
          data-testid="field-agent"
          placeholder={t('field.agentId')}
          value={value}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

function Route({ agent, day }: { agent: string; day: string }) {
  const { t, num } = useI18n();
  const [here, setHere] = useState<{ lat: number; lon: number } | null>(null);
  const territories = useTerritories();
  const base = territories.data?.flatMap((x) => x.agents).find((a) => a.id === agent)?.base ?? null;
  const visits = useLoad(
    () =>
      get<{ tasks: Visit[] }>(
        `/api/tasks${qs({ kind: 'visit', date: day, assignee: agent, limit: ROUTE_LIMIT })}`,
      ).then((r) => [...r.tasks].sort(byRoute)),
    [agent, day],
  );
  const locate = () =>
    navigator.geolocation?.getCurrentPosition(
      (p) => setHere({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => setHere(null),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  return (
    <Async state={visits}>
      {(list) => {
        const count = (s: string[]) => list.filter((v) => s.includes(v.state)).length;
        return (
          <>
            <div className="stats">
              <Stat label={t('field.visits')} value={num(list.length)} />
              <Stat label={t('state.done')} value={num(count(['done']))} />
              <Stat
                label={t('field.remaining')}
                value={num(count(['open', 'assigned', 'in_progress', 'unassigned']))}
              />
              <Stat label={t('state.blocked')} value={num(count(['blocked', 'expired']))} />
            </div>
            <div className="toolbar">
              <button onClick={visits.reload}>{t('common.refresh')}</button>
              {'geolocation' in navigator && (
                <button onClick={locate} data-testid="locate">
                  {here ? t('field.located') : t('field.locate')}
                </button>
              )}
            </div>
            {list.length === 0 ? (
              <p className="muted" data-testid="no-visits">
                {t('field.noVisits')}
              </p>
            ) : (
              <ol className="visits" data-testid="visits">
                {list.map((v, i) => {
                  const prev = list
                    .slice(0, i)
                    .reverse()
                    .find((p) => p.latitude !== null && p.longitude !== null);
                  const from: Start | null =
                    prev && prev.latitude !== null && prev.longitude !== null
                      ? { lat: prev.latitude, lon: prev.longitude, kind: 'previous' }
                      : here
                        ? { ...here, kind: 'here' }
                        : base
                          ? { ...base, kind: 'base' }
                          : null;
                  return (
                    <VisitCard
                      key={v.id}
                      visit={v}
                      order={v.routeSeq ?? i + 1}
                      from={from}
                      onChanged={visits.reload}
                    />
                  );
                })}
              </ol>
            )}
          </>
        );
      }}
    </Async>
  );
}

/** Where the directions to a stop start: the stop before, the agent's position, or base. */
type Start = { lat: number; lon: number; kind: 'previous' | 'here' | 'base' };

const byRoute = (a: Visit, b: Visit) =>
  (a.routeSeq ?? Number.MAX_SAFE_INTEGER) - (b.routeSeq ?? Number.MAX_SAFE_INTEGER) || a.id - b.id;

function VisitCard({
  visit: v,
  order,
  from,
  onChanged,
}: {
  visit: Visit;
  order: number;
  from: Start | null;
  onChanged: () => void;
}) {
  const { t, tm, money } = useI18n();
  const user = useUser();
  const account = useLoad(
    () => get<AccountDue>(`/api/accounts/${encodeURIComponent(v.accountExt)}`),
    [v.accountExt],
  );
  const due = account.data?.live ?? account.data?.state ?? null;
  const currency = account.data?.currency ?? '';
  const start = useAction(async () => {
    await post(`/api/tasks/${v.id}/start`, { by: user.id });
    onChanged();
  });
  const hasPlace = v.latitude !== null && v.longitude !== null;
  const stateClass =
    v.state === 'done'
      ? 'tag good'
      : v.state === 'blocked' || v.state === 'expired'
        ? 'tag bad'
        : v.state === 'in_progress'
          ? 'tag warn'
          : 'tag';
  return (
    <li className="visit card" data-testid={`visit-${v.id}`} data-state={v.state}>
      <div className="visit-head">
        <span className="visit-seq" aria-label={t('field.order')}>
          {order}
        </span>
        <div className="visit-title">
          <strong>
            <a href={href('customers', v.customerExt)}>{v.customerName}</a>
          </strong>
          <span className="muted small">
            {v.customerExt} · {v.accountExt}
          </span>
        </div>
        <div className="visit-when">
          <span className="visit-time">{clock(v.plannedArrival)}</span>
          <span className={stateClass}>{tm(`state.${v.state}`)}</span>
        </div>
      </div>
      <dl className="visit-facts">
        <dt>{t('field.address')}</dt>
        <dd>{v.address ?? '—'}</dd>
        {v.phone && (
          <>
            <dt>{t('customer.phone')}</dt>
            <dd>
              <a href={`tel:${v.phone}`}>{v.phone}</a>
            </dd>
          </>
        )}
        <dt>{t('field.amountDue')}</dt>
        <dd data-testid="amount-due">
          {account.error
            ? '—'
            : due
              ? `${money(due.arrears, currency)} · ${t('common.outstanding')} ${money(due.outstanding, currency)} · ${due.bucket}`
              : t('common.loading')}
        </dd>
        <dt>{t('field.coordinates')}</dt>
        <dd>
          {hasPlace ? (
            <>
              <span className="muted">
                {v.latitude!.toFixed(5)}, {v.longitude!.toFixed(5)}
              </span>{' '}
              <a
                href={directionsUrl(from, { lat: v.latitude!, lon: v.longitude! })}
                target="_blank"
                rel="noreferrer"
                data-testid="directions"
              >
                {t(`field.directions.${from?.kind ?? 'none'}`)}
              </a>{' '}
              ·{' '}
              <a href={mapUrl(v.latitude!, v.longitude!)} target="_blank" rel="noreferrer">
                {t('field.map')}
              </a>
            </>
          ) : (
            '—'
          )}
        </dd>
        {v.reason && (
          <>
            <dt>{t('common.reason')}</dt>
            <dd className="small">{v.reason}</dd>
          </>
        )}
        {v.outcome && (
          <>
            <dt>{t('field.outcome')}</dt>
            <dd>{tm(`outcome.${v.outcome}`)}</dd>
          </>
        )}
      </dl>
      {(v.state === 'open' || v.state === 'assigned' || v.state === 'unassigned') && (
        <button
          className="primary wide"
          data-testid="start-visit"
          disabled={start.busy}
          onClick={() => void start.run()}
        >
          {t('field.start')}
        </button>
      )}
      {start.error && (
        <>
          <p className="small bad">{t('field.startRefused')}</p>
          <ErrorNote error={start.error} />
        </>
      )}
      {v.state === 'in_progress' && (
        <OutcomeForm visit={v} due={due?.arrears ?? ''} currency={currency} onDone={onChanged} />
      )}
    </li>
  );
}

function OutcomeForm({
  visit,
  due,
  currency,
  onDone,
}: {
  visit: Visit;
  due: string;
  currency: string;
  onDone: () => void;
}) {
  const { t, tm } = useI18n();
  const user = useUser();
  const [outcome, setOutcome] = useState('visited');
  const [notes, setNotes] = useState('');
  const [amount, setAmount] = useState(due);
  const [promisedFor, setPromisedFor] = useState(() => isoDay(7));
  const [withPlace, setWithPlace] = useState(true);
  const record = useAction(async () => {
    const place = withPlace ? await position() : null;
    await post(`/api/tasks/${visit.id}/outcome`, {
      outcome,
      by: user.id,
      ...(notes.trim() ? { notes: notes.trim() } : {}),
      ...(place ? { latitude: place.lat, longitude: place.lon } : {}),
      ...(outcome === 'promise_to_pay' ? { promise: { amount: amount || due, promisedFor } } : {}),
    });
    onDone();
  });
  return (
    <form
      className="form-grid visit-form"
      onSubmit={(e) => {
        e.preventDefault();
        void record.run();
      }}
    >
      <Field label={t('field.outcome')}>
        <select data-testid="outcome" value={outcome} onChange={(e) => setOutcome(e.target.value)}>
          {VISIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {tm(`outcome.${o}`)}
            </option>
          ))}
        </select>
      </Field>
      {outcome === 'promise_to_pay' && (
        <div className="form-row">
          <Field label={`${t('desk.promiseAmount')}${currency ? ` (${currency})` : ''}`}>
            <input
              data-testid="promise-amount"
              inputMode="decimal"
              value={amount || due}
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
      <Field label={t('common.notes')}>
        <textarea
          data-testid="notes"
          rows={3}
          value={notes}
          onChange={(e) => setNotes(e.target.value)}
        />
      </Field>
      {'geolocation' in navigator && (
        <label className="check">
          <input
            type="checkbox"
            checked={withPlace}
            onChange={(e) => setWithPlace(e.target.checked)}
          />{' '}
          {t('field.withPlace')}
        </label>
      )}
      <button
        type="submit"
        className="primary wide"
        data-testid="record-outcome"
        disabled={record.busy}
      >
        {record.busy ? t('common.loading') : t('field.record')}
      </button>
      {record.error && <ErrorNote error={record.error} />}
    </form>
  );
}

/** The device's position if the agent allows it (and it comes within a few seconds), else null. */
function position(): Promise<{ lat: number; lon: number } | null> {
  return new Promise((resolve) => {
    if (!('geolocation' in navigator)) return resolve(null);
    navigator.geolocation.getCurrentPosition(
      (p) => resolve({ lat: p.coords.latitude, lon: p.coords.longitude }),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: 8_000, maximumAge: 60_000 },
    );
  });
}

/** Minutes after midnight (the agent's day) as HH:MM. */
export function clock(minutes: number | null): string {
  if (minutes === null) return '—';
  const h = Math.floor(minutes / 60) % 24;
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

const coord = (p: { lat: number; lon: number }) => `${p.lat.toFixed(5)},${p.lon.toFixed(5)}`;

/** OpenStreetMap directions from the stop before (or from wherever the agent starts). */
export function directionsUrl(
  from: { lat: number; lon: number } | null,
  to: { lat: number; lon: number },
): string {
  return `https://www.openstreetmap.org/directions?route=${from ? coord(from) : ''};${coord(to)}`;
}

export const mapUrl = (lat: number, lon: number) =>
  `https://www.openstreetmap.org/?mlat=${lat.toFixed(5)}&mlon=${lon.toFixed(5)}#map=17/${lat.toFixed(5)}/${lon.toFixed(5)}`;

/** A calendar day n days from today in the browser's zone. */
function isoDay(n: number): string {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
