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
