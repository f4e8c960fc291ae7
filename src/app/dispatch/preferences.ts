/** Opting out: from the link in a message, or by replying STOP to a text. */
import { invalid, notFound } from '../shared/errors.ts';
import type { DispatchStore } from './ports.ts';

const CHANNELS = ['sms', 'email', 'letter', 'phone'] as const;
const STOP =
  /^\s*(stop|stopall|unsubscribe|cancel|end|quit|退订|td|取消|退订短信)\s*[.!。！]?\s*$/i;

export function isStopReply(text: string): boolean {
  return STOP.test(text);
}

export async function optOutByLink(store: DispatchStore, key: string, channel: string, now: Date) {
  if (!(CHANNELS as readonly string[]).includes(channel))
    throw invalid('unknown channel', [
      { at: 'channel', reason: `"${channel}" is not one of ${CHANNELS.join(', ')}` },
    ]);
  const r = await store.optOutByKey(key, channel, now, 'opt-out link');
  if (!r) throw notFound('the message');
  return r;
}

/** A reply to a text: STOP or 退订 opts the number out of SMS. */
export async function inboundText(
  store: DispatchStore,
  from: string,
  text: string,
  now: Date,
): Promise<{ optedOut: number[] }> {
  if (!isStopReply(text)) return { optedOut: [] };
  return { optedOut: await store.optOutAddress('sms', from, now, 'sms reply') };
}

export const PREFERENCE_KINDS = [
  'opt_out',
  'call_consent',
  'email_consent',
  'employer_email',
  'inconvenient_time',
] as const;
export type PreferenceKind = (typeof PREFERENCE_KINDS)[number];

export interface PreferenceInput {
  kind: string;
  channel?: string;
  value?: string;
  since?: string;
  until?: string;
  by: string;
}

/** A preference a customer stated (to a collector, in writing), checked before it is stored. */
export function checkPreference(p: PreferenceInput): { at: string; reason: string }[] {
  const errors: { at: string; reason: string }[] = [];
  if (!(PREFERENCE_KINDS as readonly string[]).includes(p.kind))
    errors.push({ at: 'kind', reason: `"${p.kind}" is not one of ${PREFERENCE_KINDS.join(', ')}` });
  if (p.kind === 'opt_out' && !(CHANNELS as readonly string[]).includes(p.channel ?? ''))
    errors.push({ at: 'channel', reason: `an opt-out names a channel: ${CHANNELS.join(', ')}` });
  if (p.kind !== 'opt_out' && p.channel !== undefined)
    errors.push({ at: 'channel', reason: 'only opt-outs name a channel' });
  if (
    p.kind === 'inconvenient_time' &&
    !/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/.test(p.value ?? '')
  )
    errors.push({ at: 'value', reason: 'an inconvenient time is HH:MM-HH:MM, e.g. 12:00-13:30' });
  if (
    (p.kind === 'call_consent' || p.kind === 'email_consent' || p.kind === 'employer_email') &&
    !p.value
  )
    errors.push({ at: 'value', reason: `${p.kind} needs a value (the debt, or the address)` });
  for (const f of ['since', 'until'] as const) {
    const v = p[f];
    if (v !== undefined && Number.isNaN(Date.parse(v)))
      errors.push({ at: f, reason: `"${v}" is not an instant (ISO 8601 with offset)` });
  }
  if (p.since && p.until && Date.parse(p.until) <= Date.parse(p.since))
    errors.push({ at: 'until', reason: 'must be after since' });
  return errors;
}
