import { describe, expect, it } from 'vitest';
import { toLocal } from '../time/zone.ts';
import {
  dueDates,
  fireInstant,
  formatTimeOfDay,
  latestDue,
  nextFire,
  parseTimeOfDay,
  type CycleSchedule,
} from './schedule.ts';

const at = (zone: string, time: string): CycleSchedule => ({ zone, at: parseTimeOfDay(time)! });

describe('parseTimeOfDay', () => {
  it.each([
    ['02:00', { hour: 2, minute: 0 }],
    ['00:00', { hour: 0, minute: 0 }],
    ['23:59', { hour: 23, minute: 59 }],
  ])('%s', (s, t) => {
    expect(parseTimeOfDay(s)).toEqual(t);
    expect(formatTimeOfDay(t)).toBe(s);
  });
  it.each(['24:00', '2:00', '02:60', '0200', '', 'noon', '02:00:00'])('rejects "%s"', (s) =>
    expect(parseTimeOfDay(s)).toBeNull(),
  );
});

describe('fireInstant', () => {
  it.each([
    // no daylight saving: 02:00 in Shanghai (UTC+8) is 18:00Z the day before
    ['2026-06-30', 'Asia/Shanghai', '02:00', '2026-06-29T18:00:00.000Z'],
    ['2026-06-30', 'UTC', '00:00', '2026-06-30T00:00:00.000Z'],
    // New York springs forward on 2026-03-08 at 02:00 EST to 03:00 EDT: 02:00 and 02:30 do
    // not exist that day and fire at the end of the gap, 03:00 EDT (07:00Z)
    ['2026-03-08', 'America/New_York', '02:30', '2026-03-08T07:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '02:00', '2026-03-08T07:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '03:00', '2026-03-08T07:00:00.000Z'],
    ['2026-03-08', 'America/New_York', '01:59', '2026-03-08T06:59:00.000Z'],
    ['2026-03-09', 'America/New_York', '02:30', '2026-03-09T06:30:00.000Z'],
    // it falls back on 2026-11-01 at 02:00 EDT to 01:00 EST: 01:30 occurs twice and fires at
    // the first (EDT, 05:30Z), not at the second (EST, 06:30Z)
    ['2026-11-01', 'America/New_York', '01:30', '2026-11-01T05:30:00.000Z'],
    ['2026-11-01', 'America/New_York', '02:00', '2026-11-01T07:00:00.000Z'],
    // London springs forward on 2026-03-29 at 01:00 GMT to 02:00 BST
    ['2026-03-29', 'Europe/London', '01:30', '2026-03-29T01:00:00.000Z'],
    // Lord Howe Island moves by half an hour: 02:00 to 02:30 on 2026-10-04
    ['2026-10-04', 'Australia/Lord_Howe', '02:15', '2026-10-03T15:30:00.000Z'],
  ])('%s %s %s', (date, zone, time, instant) => {
    expect(fireInstant(date, at(zone, time)).toISOString()).toBe(instant);
  });

  it('is on the date itself, at the time or the first instant after it', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'UTC'])
      for (const time of ['00:00', '01:30', '02:00', '02:30', '23:59'])
        for (const date of ['2026-03-08', '2026-03-29', '2026-10-04', '2026-11-01']) {
          const local = toLocal(fireInstant(date, at(zone, time)), zone);
          expect(local.date).toBe(date);
          const hm = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
          expect(hm >= time).toBe(true);
        }
  });
});

describe('latestDue and dueDates', () => {
  const s = at('Asia/Shanghai', '02:00');

  it('is the day before until the time passes, then the day', () => {
    expect(latestDue(new Date('2026-06-29T17:59:59Z'), s)).toBe('2026-06-29');
    expect(latestDue(new Date('2026-06-29T18:00:00Z'), s)).toBe('2026-06-30');
    expect(nextFire(new Date('2026-06-29T17:59:59Z'), s).toISOString()).toBe(
      '2026-06-29T18:00:00.000Z',
    );
    expect(nextFire(new Date('2026-06-29T18:00:00Z'), s).toISOString()).toBe(
      '2026-06-30T18:00:00.000Z',
    );
  });

  it('catches up the missed days after the last one, and nothing twice', () => {
    const now = new Date('2026-06-30T03:00:00Z');
    expect(dueDates(now, s, '2026-06-27')).toEqual(['2026-06-28', '2026-06-29', '2026-06-30']);
    expect(dueDates(now, s, '2026-06-30')).toEqual([]);
    expect(dueDates(now, s, '2026-07-01')).toEqual([]);
    // a portfolio never cycled starts with the latest day due, not its history
    expect(dueDates(now, s, null)).toEqual(['2026-06-30']);
  });

  it.each([
    ['America/New_York', '01:30', '2026-11-01'],
    ['America/New_York', '02:30', '2026-03-08'],
    ['Europe/London', '01:30', '2026-03-29'],
    ['Europe/London', '01:30', '2026-10-25'],
  ])('ticking every minute through %s %s around %s fires each day once', (zone, time, day) => {
    const sc = at(zone, time);
    let last: string | null = null;
    const fired: string[] = [];
    const start = new Date(`${day}T00:00:00Z`).getTime() - 86_400_000;
    for (let t = start; t < start + 3 * 86_400_000; t += 60_000) {
      const due = dueDates(new Date(t), sc, last);
      fired.push(...due);
      last = due.at(-1) ?? last;
    }
    expect(fired).toEqual([...new Set(fired)]);
    expect(fired).toContain(day);
  });
});
