import { describe, expect, it } from 'vitest';
import { channelFunnel, DEFAULT_CHANNEL_COSTS, parseChannelCosts } from './channels.ts';

const base = { dispatches: 0, blocked: 0, promised: 0, paid: 0, collectedMinor: 0 };

describe('channel funnel', () => {
  it('gives the rates over what was sent and the cost per amount collected', () => {
    const rows = channelFunnel(
      [
        {
          ...base,
          channel: 'phone',
          currency: 'USD',
          dispatches: 12,
          blocked: 2,
          sent: 10,
          delivered: 6,
          reached: 4,
          promised: 2,
          paid: 1,
          collectedMinor: 30_000,
        },
        {
          ...base,
          channel: 'sms',
          currency: 'USD',
          dispatches: 5,
          sent: 4,
          delivered: 3,
          reached: 3,
        },
        { ...base, channel: 'sms', currency: 'XTS', sent: 1, delivered: 1, reached: 1 },
      ],
      DEFAULT_CHANNEL_COSTS,
    );
    expect(rows.map((r) => `${r.channel}/${r.currency}`)).toEqual([
      'sms/USD',
      'sms/XTS',
      'phone/USD',
    ]);
    const phone = rows[2]!;
    expect([phone.deliveredRate, phone.reachedRate, phone.promisedRate, phone.paidRate]).toEqual([
      0.6, 0.4, 0.2, 0.1,
    ]);
    // 10 attempts × 1.50 = 15.00; 15.00 per 300.00 collected = 0.05
    expect(phone.costMinor).toBe(1500);
    expect(phone.costPerCollected).toBe(0.05);
    // nothing collected: no cost per collected; no price for XTS: no cost
    expect(rows[0]!.costMinor).toBe(4);
    expect(rows[0]!.costPerCollected).toBeNull();
    expect(rows[1]!.costMinor).toBeNull();
  });
  it('has null rates when nothing was sent', () => {
    const [r] = channelFunnel(
      [{ ...base, channel: 'letter', currency: 'GBP', sent: 0, delivered: 0, reached: 0 }],
      DEFAULT_CHANNEL_COSTS,
    );
    expect(r!.deliveredRate).toBeNull();
    expect(r!.costMinor).toBe(0);
  });
});

describe('channel costs', () => {
  it('accepts integers of minor units for every channel', () => {
    expect(parseChannelCosts(DEFAULT_CHANNEL_COSTS)).toEqual({
      ok: true,
      costs: DEFAULT_CHANNEL_COSTS,
    });
  });
  it('names each wrong field', () => {
    const r = parseChannelCosts({
      perMessage: {
        usd: {},
        EUR: { sms: 1.5, email: 0, letter: 1, phone: -1, field_visit: 2, fax: 1 },
      },
    });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.errors.map((e) => e.at)).toEqual([
        'perMessage.usd',
        'perMessage.EUR.fax',
        'perMessage.EUR.sms',
        'perMessage.EUR.phone',
      ]);
    expect(parseChannelCosts([]).ok).toBe(false);
  });
});
