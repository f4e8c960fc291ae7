import { describe, expect, it } from 'vitest';
import { isTimeZone, localDateOf, parseInstant, toLocal } from './zone.ts';

describe('localDateOf near midnight', () => {
  it.each([
    // Asia/Shanghai: UTC+8 all year, so local midnight is 16:00Z the day before.
    { utc: '2026-03-31T15:59:59Z', zone: 'Asia/Shanghai', date: '2026-03-31', why: '23:59:59' },
    { utc: '2026-03-31T16:00:00Z', zone: 'Asia/Shanghai', date: '2026-04-01', why: '00:00 +8' },
    { utc: '2025-12-31T16:00:00Z', zone: 'Asia/Shanghai', date: '2026-01-01', why: 'new year' },
    // Pacific/Honolulu: UTC-10 all year, local midnight is 10:00Z.
    { utc: '2026-03-08T09:59:59Z', zone: 'Pacific/Honolulu', date: '2026-03-07', why: '23:59' },
    { utc: '2026-03-08T10:00:00Z', zone: 'Pacific/Honolulu', date: '2026-03-08', why: '00:00' },
    { utc: '2027-01-01T09:59:59Z', zone: 'Pacific/Honolulu', date: '2026-12-31', why: 'year' },
    // America/New_York, spring forward 2026-03-08 02:00 EST -> 03:00 EDT.
    { utc: '2026-03-08T04:59:59Z', zone: 'America/New_York', date: '2026-03-07', why: 'EST -5' },
    { utc: '2026-03-08T05:00:00Z', zone: 'America/New_York', date: '2026-03-08', why: 'EST -5' },
    { utc: '2026-03-09T03:59:59Z', zone: 'America/New_York', date: '2026-03-08', why: 'EDT -4' },
    { utc: '2026-03-09T04:00:00Z', zone: 'America/New_York', date: '2026-03-09', why: 'EDT -4' },
    // America/New_York, fall back 2026-11-01 02:00 EDT -> 01:00 EST.
    { utc: '2026-11-01T03:59:59Z', zone: 'America/New_York', date: '2026-10-31', why: 'EDT -4' },
    { utc: '2026-11-01T04:00:00Z', zone: 'America/New_York', date: '2026-11-01', why: 'EDT -4' },
    { utc: '2026-11-02T04:59:59Z', zone: 'America/New_York', date: '2026-11-01', why: 'EST -5' },
    { utc: '2026-11-02T05:00:00Z', zone: 'America/New_York', date: '2026-11-02', why: 'EST -5' },
    // Europe/London, BST starts 2026-03-29 01:00 GMT -> 02:00 BST.
    { utc: '2026-03-28T23:59:59Z', zone: 'Europe/London', date: '2026-03-28', why: 'GMT +0' },
    { utc: '2026-03-29T00:00:00Z', zone: 'Europe/London', date: '2026-03-29', why: 'GMT +0' },
    { utc: '2026-03-29T22:59:59Z', zone: 'Europe/London', date: '2026-03-29', why: 'BST +1' },
    { utc: '2026-03-29T23:00:00Z', zone: 'Europe/London', date: '2026-03-30', why: 'BST +1' },
    // Europe/London, BST ends 2026-10-25 02:00 BST -> 01:00 GMT.
    { utc: '2026-10-24T22:59:59Z', zone: 'Europe/London', date: '2026-10-24', why: 'BST +1' },
    { utc: '2026-10-24T23:00:00Z', zone: 'Europe/London', date: '2026-10-25', why: 'BST +1' },
    { utc: '2026-10-25T23:59:59Z', zone: 'Europe/London', date: '2026-10-25', why: 'GMT +0' },
    { utc: '2026-10-26T00:00:00Z', zone: 'Europe/London', date: '2026-10-26', why: 'GMT +0' },
  ])('$utc in $zone is $date ($why)', ({ utc, zone, date }) => {
    expect(localDateOf(new Date(utc), zone)).toBe(date);
  });

  it('a +08:00 timestamp falls on the previous day in New York', () => {
    // 2026-03-10 08:30 +08:00 = 2026-03-10 00:30Z = 2026-03-09 20:30 EDT (-4).
    const instant = parseInstant('2026-03-10T08:30:00+08:00');
    expect(instant).not.toBeNull();
    expect(localDateOf(instant!, 'Asia/Shanghai')).toBe('2026-03-10');
    expect(localDateOf(instant!, 'America/New_York')).toBe('2026-03-09');
    expect(toLocal(instant!, 'America/New_York')).toEqual({
      date: '2026-03-09',
      hour: 20,
      minute: 30,
      second: 0,
    });
  });
});

describe('toLocal across DST transitions', () => {
  it.each([
    // New York spring forward: 01:59:59 EST is followed by 03:00:00 EDT.
    { utc: '2026-03-08T06:59:59Z', zone: 'America/New_York', local: ['2026-03-08', 1, 59, 59] },
    { utc: '2026-03-08T07:00:00Z', zone: 'America/New_York', local: ['2026-03-08', 3, 0, 0] },
    // New York fall back: 01:30 happens twice, at 05:30Z (EDT) and 06:30Z (EST).
    { utc: '2026-11-01T05:30:00Z', zone: 'America/New_York', local: ['2026-11-01', 1, 30, 0] },
    { utc: '2026-11-01T06:30:00Z', zone: 'America/New_York', local: ['2026-11-01', 1, 30, 0] },
    // London: 00:59:59 GMT is followed by 02:00:00 BST; 01:30 happens twice in October.
    { utc: '2026-03-29T00:59:59Z', zone: 'Europe/London', local: ['2026-03-29', 0, 59, 59] },
    { utc: '2026-03-29T01:00:00Z', zone: 'Europe/London', local: ['2026-03-29', 2, 0, 0] },
    { utc: '2026-10-25T00:30:00Z', zone: 'Europe/London', local: ['2026-10-25', 1, 30, 0] },
    { utc: '2026-10-25T01:30:00Z', zone: 'Europe/London', local: ['2026-10-25', 1, 30, 0] },
    // Midnight is hour 0, never 24.
    { utc: '2026-03-31T16:00:00Z', zone: 'Asia/Shanghai', local: ['2026-04-01', 0, 0, 0] },
  ])('$utc in $zone is $local', ({ utc, zone, local }) => {
    const [date, hour, minute, second] = local;
    expect(toLocal(new Date(utc), zone)).toEqual({ date, hour, minute, second });
  });
});

describe('isTimeZone', () => {
  it.each(['UTC', 'Asia/Shanghai', 'America/New_York', 'Pacific/Honolulu', 'Europe/London'])(
    'accepts %s',
    (zone) => {
      expect(isTimeZone(zone)).toBe(true);
    },
  );

  it.each([
    ['Mars/Base', 'not in the IANA database'],
    ['', 'empty'],
    [' UTC', 'leading space'],
    ['UTC ', 'trailing space'],
    ['Asia/Atlantis', 'unknown city'],
  ])('rejects %j (%s)', (zone) => {
    expect(isTimeZone(zone)).toBe(false);
  });
});

describe('parseInstant', () => {
  it.each([
    { s: '2026-03-10T08:30:00Z', iso: '2026-03-10T08:30:00.000Z', why: 'Z' },
    { s: '2026-03-10T08:30:00+08:00', iso: '2026-03-10T00:30:00.000Z', why: '+08:00' },
    { s: '2026-03-10T08:30:00-05:00', iso: '2026-03-10T13:30:00.000Z', why: '-05:00' },
    { s: '2026-03-10T08:30+08:00', iso: '2026-03-10T00:30:00.000Z', why: 'no seconds' },
    { s: '2026-03-10T08:30:00.5Z', iso: '2026-03-10T08:30:00.500Z', why: 'fraction' },
    { s: '2026-03-10T23:30:00-01:00', iso: '2026-03-11T00:30:00.000Z', why: 'next UTC day' },
  ])('parses $s ($why)', ({ s, iso }) => {
    expect(parseInstant(s)?.toISOString()).toBe(iso);
  });

  it.each([
    ['2026-03-10T08:30:00', 'no offset: local time of an unknown zone'],
    ['2026-03-10T08:30', 'no offset, no seconds'],
    ['2026-03-10', 'a date, not an instant'],
    ['2026-03-10 08:30:00Z', 'space instead of T'],
    ['2026-03-10T08:30:00+0800', 'offset without colon'],
    ['2026-03-10T08:30:00z', 'lower-case z'],
    ['2026-03-10T08:30:00+25:00', 'offset out of range'],
    ['2026-03-10T25:00:00Z', 'hour 25'],
    ['2026-13-10T08:30:00Z', 'month 13'],
    ['1773131400000', 'epoch milliseconds'],
    ['', 'empty'],
  ])('rejects %j (%s)', (s) => {
    expect(parseInstant(s)).toBeNull();
  });

  // A timestamp naming a day that does not exist must be rejected, not rolled over into the next
  // month: a payment stamped "Feb 30" would otherwise count on Mar 2.
  it.each([
    ['2026-02-30T10:00:00Z', 'Feb 30'],
    ['2026-02-29T10:00:00Z', 'Feb 29 in a non-leap year'],
    ['2026-04-31T00:00:00+08:00', 'Apr 31'],
  ])('rejects the impossible date %j (%s)', (s) => {
    expect(parseInstant(s)).toBeNull();
  });
});
