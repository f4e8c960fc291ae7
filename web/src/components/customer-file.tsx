/**
 * A customer's file: identity and contact points (masked unless the role may unmask; each
 * unmasked view is recorded in the audit log), accounts with their state, scores and holds,
 * tags and notes, and the timeline of everything that happened, paged by the server. An
 * administrator may erase the customer's personal data on request, giving the reason; the file
 * then shows when, by whom and why.
 */
import { useState } from 'react';
import { get, post, qs } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { useUser } from '../session.ts';
import { mayUnmask } from '../../../src/domain/access/roles.ts';
import { mayErase } from '../../../src/domain/customers/erasure.ts';
import { Async, Card, Pager, Table, useAction, useCursors, useLoad } from './ui.tsx';
import { minorToAmount } from '../money.ts';

interface ContactPoint {
  id: number;
  kind: string;
  value: string;
  type: string;
  primary: boolean;
  verified: boolean;
  optedOutOn: string | null;
}
export interface Account {
  id: string;
  product: string;
  currency: string;
  principalMinor: number;
  openedOn: string;
  state: {
    outstandingMinor: number;
    arrearsMinor: number;
    pastDueDays: number;
    bucket: string;
    nextDueDate: string | null;
    lastPaidOn: string | null;
    onHold: boolean;
  } | null;
  scores: {
    purpose: string;
    points: number;
    probability: number;
    band: string;
    reasons: string[];
  }[];
  tier: { tier: string; purpose: string } | null;
  segment: string | null;
  holds: { id: number; kind: string; from: string; to: string | null; note: string | null }[];
}
export interface CustomerFileData {
  id: string;
  masked: boolean;
  name: string;
  language: string;
  timezone: string;
  jurisdiction: string;
  doNotContact: boolean;
  phones: ContactPoint[];
  emails: ContactPoint[];
  addresses: {
    id: number;
    type: string;
    line: string;
    latitude: number | null;
    longitude: number | null;
  }[];
  financials: {
    employer: string | null;
    occupation: string | null;
    incomeMinor: number | null;
    incomeCurrency: string | null;
    incomePeriod: string | null;
  } | null;
  accounts: Account[];
  tags: string[];
  notes: {
    id: number;
    account: string | null;
    body: string;
    writtenBy: string;
    writtenAt: string;
  }[];
  optOuts: { channel: string; recipient: string | null; since: string; source: string }[];
  erased: { at: string; by: string; reason: string } | null;
}
interface Entry {
  at: string;
  kind: string;
  account: string | null;
  key: string;
  summary: string;
}

export function CustomerFile({ id, compact = false }: { id: string; compact?: boolean }) {
  const { t } = useI18n();
  const user = useUser();
  const [unmask, setUnmask] = useState(false);
  const file = useLoad(
    () =>
      get<CustomerFileData>(
        `/api/customers/${encodeURIComponent(id)}${qs({ unmask: unmask || undefined })}`,
      ),
    [id, unmask],
  );
  return (
    <Async state={file}>
      {(f) => (
        <div data-testid="customer-file">
          <FileHeader
            f={f}
            canUnmask={mayUnmask(user.role) && f.masked}
            onUnmask={() => setUnmask(true)}
          />
          {!compact && (f.erased || mayErase(user.role)) && (
            <Erasure f={f} onErased={file.reload} />
          )}
          <Accounts accounts={f.accounts} />
          {!compact && <Notes f={f} onAdded={file.reload} />}
          <Timeline id={id} unmask={unmask} limit={compact ? 10 : 30} />
          {!compact && <span className="muted small">{t('customer.recorded')}</span>}
        </div>
      )}
    </Async>
  );
}

function FileHeader({
  f,
  canUnmask,
  onUnmask,
}: {
  f: CustomerFileData;
  canUnmask: boolean;
  onUnmask: () => void;
}) {
  const { t, money } = useI18n();
  return (
    <Card
      title={
        <>
          {f.name} <span className="muted small">{f.id}</span>
        </>
      }
      actions={
        canUnmask && (
          <button onClick={onUnmask} data-testid="unmask">
            {t('customer.unmask')}
          </button>
        )
      }
    >
      <div className="form-row">
        <span>
          {t('customer.language')}: {f.language}
        </span>
        <span>
          {t('customer.timezone')}: {f.timezone}
        </span>
        <span>
          {t('customer.jurisdiction')}: {f.jurisdiction}
        </span>
        {f.doNotContact && <span className="tag bad">{t('customer.doNotContact')}</span>}
        {f.tags.map((g) => (
          <span key={g} className="tag">
            {g}
          </span>
        ))}
      </div>
      <h3>{t('customer.contacts')}</h3>
      <ul>
        {[...f.phones, ...f.emails].map((c) => (
          <li key={c.kind + c.id}>
            {c.value} <span className="muted small">{c.type}</span>
            {c.primary && <span className="tag">{t('customer.primary')}</span>}
            {c.optedOutOn && <span className="tag bad">{t('customer.optedOut')}</span>}
          </li>
        ))}
        {f.addresses.map((a) => (
          <li key={'a' + a.id}>
            {a.line} <span className="muted small">{a.type}</span>
          </li>
        ))}
      </ul>
      {f.financials && (
        <p className="small">
          {t('customer.financials')}:{' '}
          {[f.financials.employer, f.financials.occupation].filter(Boolean).join(' · ')}{' '}
          {f.financials.incomeMinor !== null &&
            f.financials.incomeCurrency &&
            money(
              minorToAmount(f.financials.incomeMinor, f.financials.incomeCurrency),
              f.financials.incomeCurrency,
            ) +
              ' / ' +
              (f.financials.incomePeriod ?? '')}
        </p>
      )}
      {f.optOuts.length > 0 && (
        <p className="small warn">
          {t('customer.optOuts')}:{' '}
          {f.optOuts.map((o) => `${o.channel}${o.recipient ? ' ' + o.recipient : ''}`).join(', ')}
        </p>
      )}
    </Card>
  );
}

function Accounts({ accounts }: { accounts: Account[] }) {
  const { t, money, num, pct, date, tm } = useI18n();
  const m = (minor: number | undefined, c: string) =>
    minor === undefined ? '—' : money(minorToAmount(minor, c), c);
  return (
    <Card title={t('customer.accounts')}>
      <Table
        rows={accounts}
        rowKey={(a) => a.id}
        columns={[
          { key: 'id', label: t('common.id'), render: (a) => a.id },
          { key: 'p', label: t('common.product'), render: (a) => tm(`product.${a.product}`) },
          { key: 'b', label: t('common.bucket'), render: (a) => a.state?.bucket ?? '—' },
          {
            key: 'd',
            label: t('customer.dpd'),
            num: true,
            render: (a) => num(a.state?.pastDueDays),
          },
          {
            key: 'o',
            label: t('common.outstanding'),
            num: true,
            render: (a) => m(a.state?.outstandingMinor, a.currency),
          },
          {
            key: 'r',
            label: t('common.arrears'),
            num: true,
            render: (a) => m(a.state?.arrearsMinor, a.currency),
          },
          { key: 'n', label: t('customer.nextDue'), render: (a) => date(a.state?.nextDueDate) },
          {
            key: 's',
            label: t('customer.score'),
            render: (a) =>
              a.scores.map((s) => (
                <div key={s.purpose} title={s.reasons.join('; ')}>
                  {s.purpose}: {s.points} ({pct(s.probability)}) {s.band}
                </div>
              )),
          },
          {
            key: 'g',
            label: t('customer.segment'),
            render: (a) => [a.tier?.tier, a.segment].filter(Boolean).join(' · ') || '—',
          },
          {
            key: 'h',
            label: t('customer.holds'),
            render: (a) =>
              a.holds.map((h) => (
                <span key={h.id} className="tag warn">
                  {h.kind} {date(h.from)}–{date(h.to)}
                </span>
              )),
          },
        ]}
      />
    </Card>
  );
}

/** The erased state, or for an administrator the erasure: asked to confirm, with a reason. */
function Erasure({ f, onErased }: { f: CustomerFileData; onErased: () => void }) {
  const { t, dateTime } = useI18n();
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState('');
  const erase = useAction(async () => {
    await post(`/api/customers/${encodeURIComponent(f.id)}/erase`, { reason: reason.trim() });
    setAsking(false);
    onErased();
  });
  if (f.erased)
    return (
      <p className="notice" role="status" data-testid="erased">
        {t('customer.erased', { at: dateTime(f.erased.at), by: f.erased.by })}{' '}
        <span className="muted small">
          {t('common.reason')}: {f.erased.reason}
        </span>
      </p>
    );
  if (!asking)
    return (
      <div className="form-row no-print">
        <button className="bad" onClick={() => setAsking(true)} data-testid="erase">
          {t('customer.erase')}
        </button>
      </div>
    );
  return (
    <Card title={t('customer.erase')}>
      <p className="warn">{t('customer.eraseConfirm')}</p>
      <div className="form-row no-print">
        <input
          aria-label={t('common.reason')}
          placeholder={t('customer.eraseReason')}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          maxLength={500}
          style={{ flex: 1 }}
          data-testid="erase-reason"
        />
        <button
          className="bad"
          disabled={!reason.trim() || erase.busy}
          onClick={() => void erase.run()}
          data-testid="erase-confirm"
        >
          {t('customer.eraseNow')}
        </button>
        <button onClick={() => setAsking(false)}>{t('common.cancel')}</button>
      </div>
      {erase.error && <p className="error">{erase.error.message}</p>}
    </Card>
  );
}

function Notes({ f, onAdded }: { f: CustomerFileData; onAdded: () => void }) {
  const { t, dateTime } = useI18n();
  const [body, setBody] = useState('');
  const add = useAction(async () => {
    await post(`/api/customers/${encodeURIComponent(f.id)}/notes`, { body });
    setBody('');
    onAdded();
  });
  return (
    <Card title={t('common.notes')}>
      <ul>
        {f.notes.map((n) => (
          <li key={n.id}>
            {n.body}{' '}
            <span className="muted small">
              {n.writtenBy} · {dateTime(n.writtenAt)}
            </span>
          </li>
        ))}
      </ul>
      <div className="form-row no-print">
        <input
          aria-label={t('customer.newNote')}
          placeholder={t('customer.newNote')}
          value={body}
          onChange={(e) => setBody(e.target.value)}
          style={{ flex: 1 }}
        />
        <button disabled={!body.trim() || add.busy} onClick={() => void add.run()}>
          {t('common.add')}
        </button>
      </div>
      {add.error && <p className="error">{add.error.message}</p>}
    </Card>
  );
}

function Timeline({ id, unmask, limit }: { id: string; unmask: boolean; limit: number }) {
  const { t, dateTime, tm } = useI18n();
  const pages = useCursors<string>();
  const cursor = pages.cursor;
  const page = useLoad(
    () =>
      get<{ items: Entry[]; next: string | null }>(
        `/api/customers/${encodeURIComponent(id)}/timeline${qs({ limit, cursor, unmask: unmask || undefined })}`,
      ),
    [id, cursor, unmask, limit],
  );
  return (
    <Card title={t('customer.timeline')}>
      <Async state={page}>
        {(p) => (
          <>
            {p.items.length === 0 && <p className="muted">{t('common.none')}</p>}
            <ul className="timeline" data-testid="timeline">
              {p.items.map((e) => (
                <li key={e.key}>
                  <span className="tag">{tm(`timeline.${e.kind}`)}</span> {e.summary}{' '}
                  <span className="muted small">
                    {dateTime(e.at)}
                    {e.account ? ` · ${e.account}` : ''}
                  </span>
                </li>
              ))}
            </ul>
            <Pager
              page={pages.page}
              hasNext={p.next !== null}
              onPage={(n) => (n < pages.page ? pages.back() : pages.forward(p.next!))}
            />
          </>
        )}
      </Async>
    </Card>
  );
}
