/**
 * Offering a repayment plan: instalments, a settlement or a deferral; first the what-if (the
 * schedule, nothing stored), then the proposal (active at once, or waiting for a supervisor
 * when it goes beyond the collector's limits).
 */
import { useState } from 'react';
import { post } from '../api.ts';
import { useI18n } from '../i18n/index.tsx';
import { minorToAmount } from '../money.ts';
import { ErrorNote, Field, Table, useAction } from './ui.tsx';

interface Preview {
  kind: string;
  currency: string;
  payMinor: number;
  writeOffMinor: number;
  termDays: number;
  status: string;
  payments: { seq?: number; dueDate?: string; dueOn?: string; amountMinor?: number }[];
  beyond: { at?: string; reason?: string; message?: string }[];
}

export function PlanForm({ account, currency }: { account: string; currency: string }) {
  const { t, money, date, tm } = useI18n();
  const [kind, setKind] = useState('instalment');
  const [count, setCount] = useState(3);
  const [frequency, setFrequency] = useState('monthly');
  const [discount, setDiscount] = useState(10);
  const [days, setDays] = useState(30);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [proposed, setProposed] = useState<string | null>(null);
  const terms = () =>
    kind === 'instalment'
      ? { kind, count, frequency }
      : kind === 'settlement'
        ? { kind, discountPercent: discount }
        : { kind, days };
  const url = `/api/accounts/${encodeURIComponent(account)}/plans`;
  const whatIf = useAction(async () => setPreview(await post<Preview>(url + '/preview', terms())));
  const propose = useAction(async () => {
    const r = await post<{ status: string; id: number }>(url, terms());
    setProposed(r.status);
  });
  const m = (minor: number) => money(minorToAmount(minor, currency), currency);
  return (
    <div className="card" data-testid="plan-form">
      <div className="form-row">
        <Field label={t('plan.kind')}>
          <select value={kind} onChange={(e) => (setKind(e.target.value), setPreview(null))}>
            {['instalment', 'settlement', 'deferral'].map((k) => (
              <option key={k} value={k}>
                {tm(`plan.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        {kind === 'instalment' && (
          <>
            <Field label={t('plan.count')}>
              <input
                type="number"
                min={2}
                max={60}
                value={count}
                onChange={(e) => setCount(Number(e.target.value))}
              />
            </Field>
            <Field label={t('plan.frequency')}>
              <select value={frequency} onChange={(e) => setFrequency(e.target.value)}>
                {['weekly', 'biweekly', 'monthly'].map((f) => (
                  <option key={f} value={f}>
                    {tm(`plan.${f}`)}
                  </option>
                ))}
              </select>
            </Field>
          </>
        )}
        {kind === 'settlement' && (
          <Field label={t('plan.discount')}>
            <input
              type="number"
              min={0}
              max={90}
              value={discount}
              onChange={(e) => setDiscount(Number(e.target.value))}
            />
          </Field>
        )}
        {kind === 'deferral' && (
          <Field label={t('plan.days')}>
            <input
              type="number"
              min={1}
              max={180}
              value={days}
              onChange={(e) => setDays(Number(e.target.value))}
            />
          </Field>
        )}
        <button onClick={() => void whatIf.run()} disabled={whatIf.busy}>
          {t('plan.preview')}
        </button>
      </div>
      {whatIf.error && <ErrorNote error={whatIf.error} />}
      {preview && (
        <>
          <p>
            {t('plan.pays', { amount: m(preview.payMinor), days: preview.termDays })}{' '}
            {preview.writeOffMinor > 0 && t('plan.writesOff', { amount: m(preview.writeOffMinor) })}{' '}
            <span className={preview.status === 'active' ? 'tag good' : 'tag warn'}>
              {tm(`plan.status.${preview.status}`)}
            </span>
          </p>
          <Table
            rows={preview.payments}
            rowKey={(_, i) => i}
            columns={[
              { key: 'n', label: '#', render: (r) => String(r.seq ?? '') },
              { key: 'd', label: t('common.date'), render: (r) => date(r.dueDate ?? r.dueOn) },
              {
                key: 'a',
                label: t('common.amount'),
                num: true,
                render: (r) => (r.amountMinor !== undefined ? m(r.amountMinor) : '—'),
              },
            ]}
          />
          <button
            className="primary"
            onClick={() => void propose.run()}
            disabled={propose.busy || proposed !== null}
          >
            {t('plan.propose')}
          </button>
        </>
      )}
      {propose.error && <ErrorNote error={propose.error} />}
      {proposed && (
        <p className="ok">{t('plan.proposed', { status: tm(`plan.status.${proposed}`) })}</p>
      )}
    </div>
  );
}
