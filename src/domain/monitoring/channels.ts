/**
 * Channel effectiveness: the funnel of each channel's messages, calls and visits (sent,
 * delivered, reached, promised, paid) and what it cost per amount collected. The costs per
 * message are a setting, per currency and channel, in minor units.
 */
import { isCurrency } from '../money/currency.ts';
import type { MonitoringIssue } from './alerts.ts';

export const CHANNELS = ['sms', 'email', 'letter', 'phone', 'field_visit'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Per currency, per channel: the cost of one message, call attempt or visit, minor units. */
export interface ChannelCosts {
  perMessage: Record<string, Record<Channel, number>>;
}

/** Defaults: SMS and e-mail at provider list prices, a printed letter with postage, a call
 * attempt at a few minutes of a collector's time, a visit at an agent's hour and travel. */
export const DEFAULT_CHANNEL_COSTS: ChannelCosts = {
  perMessage: {
    USD: { sms: 1, email: 0, letter: 85, phone: 150, field_visit: 3500 },
    EUR: { sms: 8, email: 0, letter: 120, phone: 150, field_visit: 3500 },
    GBP: { sms: 4, email: 0, letter: 95, phone: 120, field_visit: 3000 },
    CNY: { sms: 5, email: 0, letter: 300, phone: 200, field_visit: 8000 },
    HKD: { sms: 40, email: 0, letter: 500, phone: 1200, field_visit: 25000 },
    JPY: { sms: 3, email: 0, letter: 120, phone: 200, field_visit: 5000 },
  },
};

/** Checks a costs document; the costs, or what is wrong with each field. */
export function parseChannelCosts(
  doc: unknown,
): { ok: true; costs: ChannelCosts } | { ok: false; errors: MonitoringIssue[] } {
  const errors: MonitoringIssue[] = [];
  const per = (doc as { perMessage?: unknown } | null)?.perMessage;
  if (typeof per !== 'object' || per === null || Array.isArray(per)) {
    return {
      ok: false,
      errors: [{ at: 'perMessage', reason: 'is required: an object of currencies' }],
    };
  }
  const out: ChannelCosts = { perMessage: {} };
  for (const [currency, costs] of Object.entries(per)) {
    const at = `perMessage.${currency}`;
    if (!isCurrency(currency)) {
      errors.push({ at, reason: 'is not an ISO 4217 currency code' });
      continue;
    }
    if (typeof costs !== 'object' || costs === null || Array.isArray(costs)) {
      errors.push({ at, reason: 'must be an object of channels' });
      continue;
    }
    const row = {} as Record<Channel, number>;
    for (const k of Object.keys(costs))
      if (!(CHANNELS as readonly string[]).includes(k))
        errors.push({ at: `${at}.${k}`, reason: `is not a channel (${CHANNELS.join(', ')})` });
    for (const ch of CHANNELS) {
      const v = (costs as Record<string, unknown>)[ch];
      if (!Number.isSafeInteger(v) || (v as number) < 0)
        errors.push({
          at: `${at}.${ch}`,
          reason: 'must be a non-negative integer of minor units',
        });
      else row[ch] = v as number;
    }
    out.perMessage[currency] = row;
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, costs: out };
}

/** A channel's counts for the accounts of one currency, as the storage counts them. */
export interface FunnelCounts {
  channel: string;
  currency: string;
  /** Dispatches planned in the period (collection purpose). */
  dispatches: number;
  /** Refused by the contact rules. */
  blocked: number;
  sent: number;
  delivered: number;
  reached: number;
  /** Sent dispatches credited with a promise (the last contact before it, within the window). */
  promised: number;
  /** Sent dispatches credited with a payment. */
  paid: number;
  /** The payments credited to them, minor units. */
  collectedMinor: number;
}

export interface FunnelRow extends FunnelCounts {
  /** delivered ÷ sent, reached ÷ sent, promised ÷ sent, paid ÷ sent; null when none was sent. */
  deliveredRate: number | null;
  reachedRate: number | null;
  promisedRate: number | null;
  paidRate: number | null;
  /** sent × the cost per message; null when no cost is set for the currency. */
  costMinor: number | null;
  /** cost ÷ collected (unitless); null without a cost or with nothing collected. */
  costPerCollected: number | null;
}

const ratio = (n: number, d: number) => (d > 0 ? n / d : null);

/** The funnel rows with their rates and costs, by channel (in CHANNELS order) then currency. */
export function channelFunnel(counts: readonly FunnelCounts[], costs: ChannelCosts): FunnelRow[] {
  const rank = (c: string) => {
    const i = (CHANNELS as readonly string[]).indexOf(c);
    return i === -1 ? CHANNELS.length : i;
  };
  return [...counts]
    .sort((a, b) =>
      a.channel !== b.channel
        ? rank(a.channel) - rank(b.channel) || (a.channel < b.channel ? -1 : 1)
        : a.currency < b.currency
          ? -1
          : 1,
    )
    .map((c) => {
      const unit = costs.perMessage[c.currency]?.[c.channel as Channel];
      const costMinor = unit === undefined ? null : unit * c.sent;
      return {
        ...c,
        deliveredRate: ratio(c.delivered, c.sent),
        reachedRate: ratio(c.reached, c.sent),
        promisedRate: ratio(c.promised, c.sent),
        paidRate: ratio(c.paid, c.sent),
        costMinor,
        costPerCollected: costMinor === null ? null : ratio(costMinor, c.collectedMinor),
      };
    });
}
