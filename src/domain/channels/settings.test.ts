import { describe, expect, it } from 'vitest';
import {
  applyChannelSettingsChange,
  businessDay,
  dailyLimits,
  DEFAULT_CHANNEL_SETTINGS,
  openChannels,
  parseChannelSettingsChange,
  storedChannelSettings,
  withinLimit,
} from './settings.ts';

describe('channel settings', () => {
  it('every channel is open and unlimited by default', () => {
    expect(Object.keys(DEFAULT_CHANNEL_SETTINGS)).toEqual([
      'sms',
      'email',
      'letter',
      'phone',
      'field_visit',
    ]);
    expect(openChannels(DEFAULT_CHANNEL_SETTINGS)).toHaveLength(5);
    expect(dailyLimits(DEFAULT_CHANNEL_SETTINGS)).toEqual([]);
  });

  it('a change sets only the fields given, on the channels given', () => {
    const r = parseChannelSettingsChange({
      channels: { sms: { paused: true }, email: { dailyLimit: 500 } },
    });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const s = applyChannelSettingsChange(DEFAULT_CHANNEL_SETTINGS, r.change);
    expect(s.sms).toEqual({ paused: true, dailyLimit: null });
    expect(s.email).toEqual({ paused: false, dailyLimit: 500 });
    expect(s.letter).toEqual({ paused: false, dailyLimit: null });
    expect(openChannels(s, ['sms', 'email', 'letter'])).toEqual(['email', 'letter']);
    expect(dailyLimits(s)).toEqual([{ channel: 'email', limit: 500 }]);
    // a limit can be lifted again
    const lifted = parseChannelSettingsChange({ channels: { email: { dailyLimit: null } } });
    expect(lifted.ok && applyChannelSettingsChange(s, lifted.change).email.dailyLimit).toBeNull();
  });

  it('a paused channel’s limit is not counted: it sends nothing', () => {
    const s = applyChannelSettingsChange(DEFAULT_CHANNEL_SETTINGS, {
      sms: { paused: true, dailyLimit: 3 },
    });
    expect(dailyLimits(s)).toEqual([]);
  });

  it('names every field that is wrong', () => {
    const r = parseChannelSettingsChange({
      channels: {
        sms: { paused: 'yes', dailyLimit: 0 },
        email: { dailyLimit: 2.5, gateway: { kind: 'smtp' } },
        fax: { paused: true },
        letter: { colour: 'red' },
        phone: 7,
      },
      costs: {},
    });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.at)).toEqual([
      'body.costs',
      'body.channels.sms.paused',
      'body.channels.sms.dailyLimit',
      'body.channels.email.dailyLimit',
      'body.channels.email.gateway',
      'body.channels.fax',
      'body.channels.letter.colour',
      'body.channels.phone',
    ]);
    expect(r.errors.find((e) => e.at.endsWith('gateway'))!.reason).toContain('read-only');
    expect(parseChannelSettingsChange([]).ok).toBe(false);
    expect(parseChannelSettingsChange({}).ok).toBe(false);
  });

  it('a stored document keeps what is valid in it and defaults the rest', () => {
    const s = storedChannelSettings({
      channels: { sms: { paused: true, dailyLimit: -1 }, letter: { dailyLimit: 40 } },
    });
    expect(s.sms).toEqual({ paused: false, dailyLimit: null });
    expect(s.letter).toEqual({ paused: false, dailyLimit: 40 });
    expect(storedChannelSettings(undefined)).toEqual(DEFAULT_CHANNEL_SETTINGS);
  });

  it('the business day is the date in the business zone, midnight to midnight', () => {
    const d = businessDay(new Date('2026-03-02T03:00:00Z'), 'America/New_York');
    expect(d.day).toBe('2026-03-01');
    expect(d.from.toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(d.to.toISOString()).toBe('2026-03-02T05:00:00.000Z');
    expect(d.next).toBe('2026-03-02');
  });

  it('under a limit the first go, counting what already went today', () => {
    expect(withinLimit(['a', 'b', 'c'], 2, 0)).toEqual(['a', 'b']);
    expect(withinLimit(['a', 'b', 'c'], 2, 1)).toEqual(['a']);
    expect(withinLimit(['a', 'b', 'c'], 2, 5)).toEqual([]);
    expect(withinLimit(['a', 'b', 'c'], null, 5)).toEqual(['a', 'b', 'c']);
  });
});
