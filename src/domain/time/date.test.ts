import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  dateRange,
  diffDays,
  fromEpochDay,
  isLeapYear,
  isLocalDate,
  toEpochDay,
} from './date.ts';

describe('toEpochDay / fromEpochDay', () => {
  // Anchors computed by hand from 1970-01-01 = 0:
  //  2000-01-01: 30 years 1970..1999 with 7 leap years (72,76,...,96) = 30*365 + 7 = 10957.
  //  1900-01-01: 70 years 1900..1969 with 17 leap years (1904..1968; 1900 is not) = -(70*365+17).
  //  2100-01-01: 10957 + 100*365 + 25 leap years (2000..2096) = 47482.
  //  2400-01-01: 47482 + 300*365 + 72 leap years (2104..2396 is 74, minus 2200 and 2300) = 157054.
  it.each([
    { date: '1970-01-01', day: 0, why: 'the epoch' },
    { date: '1969-12-31', day: -1, why: 'one day before the epoch' },
    { date: '1900-01-01', day: -25567, why: '-(70*365 + 17)' },
    { date: '1900-02-28', day: -25509, why: '-25567 + 31 + 27' },
    { date: '1900-03-01', day: -25508, why: '1900 not leap: Feb 28 + 1' },
    { date: '2000-01-01', day: 10957, why: '30*365 + 7' },
    { date: '2000-02-29', day: 11016, why: '10957 + 31 + 28 (2000 is leap: divisible by 400)' },
    { date: '2000-03-01', day: 11017, why: '2000-02-29 + 1' },
    { date: '2024-01-01', day: 19723, why: '10957 + 24*365 + 6 leap years (2000..2020)' },
    { date: '2024-02-29', day: 19782, why: '19723 + 31 + 28' },
    { date: '2100-02-28', day: 47540, why: '47482 + 31 + 27' },
    { date: '2100-03-01', day: 47541, why: '2100 not leap: Feb 28 + 1' },
    { date: '2400-01-01', day: 157054, why: '47482 + 300*365 + 72' },
    { date: '2400-02-29', day: 157113, why: '157054 + 31 + 28 (2400 is leap)' },
    { date: '2400-12-31', day: 157419, why: '157054 + 366 - 1' },
  ])('$date is epoch day $day ($why)', ({ date, day }) => {
    expect(toEpochDay(date)).toBe(day);
    expect(fromEpochDay(day)).toBe(date);
  });

  it('round-trips every day from 1900-01-01 to 2400-12-31, agreeing with Date.UTC', () => {
    const first = toEpochDay('1900-01-01');
    const last = toEpochDay('2400-12-31');
    let leapDays = 0;
    for (let n = first; n <= last; n++) {
      const date = fromEpochDay(n);
      // Independent oracle: the UTC calendar date of midnight n days after the epoch.
      const oracle = new Date(n * 86_400_000).toISOString().slice(0, 10);
      if (date !== oracle || toEpochDay(date) !== n || !isLocalDate(date)) {
        expect({ n, date, back: toEpochDay(date) }).toEqual({ n, date: oracle, back: n });
      }
      if (date.endsWith('-02-29')) leapDays++;
    }
    // Years 1900..2400 divisible by 4: 126; minus 1900, 2100, 2200, 2300 = 122 leap days.
    expect(leapDays).toBe(122);
  });

  it.each(['1900-02-29', '2100-02-29', '2023-02-29', '2024-02-30', 'not a date'])(
    'toEpochDay rejects %s',
    (s) => {
      expect(() => toEpochDay(s)).toThrow(RangeError);
    },
  );
});

describe('isLeapYear / isLocalDate', () => {
  it.each([
    { year: 1900, leap: false, why: 'century not divisible by 400' },
    { year: 2000, leap: true, why: 'divisible by 400' },
    { year: 2023, leap: false, why: 'not divisible by 4' },
    { year: 2024, leap: true, why: 'divisible by 4' },
    { year: 2100, leap: false, why: 'century not divisible by 400' },
    { year: 2400, leap: true, why: 'divisible by 400' },
  ])('isLeapYear($year) = $leap ($why)', ({ year, leap }) => {
    expect(isLeapYear(year)).toBe(leap);
  });

  it.each(['2000-02-29', '2024-02-29', '2400-02-29', '2023-12-31', '2024-04-30', '0001-01-01'])(
    'accepts %s',
    (s) => {
      expect(isLocalDate(s)).toBe(true);
    },
  );

  it.each([
    ['1900-02-29', 'no Feb 29 in 1900'],
    ['2100-02-29', 'no Feb 29 in 2100'],
    ['2023-02-29', 'no Feb 29 in 2023'],
    ['2024-02-30', 'Feb has at most 29 days'],
    ['2024-04-31', 'April has 30 days'],
    ['2024-13-01', 'month 13'],
    ['2024-00-10', 'month 0'],
    ['2024-01-00', 'day 0'],
    ['2024-01-32', 'day 32'],
    ['0000-01-01', 'year 0'],
    ['2024-2-29', 'month not zero-padded'],
    ['24-02-29', 'two-digit year'],
    ['12024-02-29', 'five-digit year'],
    ['2024/02/29', 'slashes'],
    ['20240229', 'no separators'],
    ['2024-02-29T00:00', 'has a time'],
    [' 2024-02-29', 'leading space'],
    ['2024-02-29 ', 'trailing space'],
    ['2024-02-29\n', 'trailing newline'],
    ['２０２４-02-29', 'full-width digits'],
    ['', 'empty'],
  ])('rejects %j (%s)', (s) => {
    expect(isLocalDate(s)).toBe(false);
  });
});

describe('diffDays', () => {
  it.each([
    { a: '2024-01-01', b: '2023-12-31', days: 1, why: 'across a year end' },
    { a: '2023-12-31', b: '2024-01-01', days: -1, why: 'a - b is negative when a is earlier' },
    { a: '2024-01-01', b: '2023-01-01', days: 365, why: '2023 has 365 days' },
    { a: '2025-01-01', b: '2024-01-01', days: 366, why: '2024 has 366 days' },
    { a: '2024-03-01', b: '2024-02-28', days: 2, why: 'Feb 28 -> 29 -> Mar 1 in 2024' },
    { a: '2023-03-01', b: '2023-02-28', days: 1, why: 'no Feb 29 in 2023' },
    { a: '2000-03-01', b: '2000-02-28', days: 2, why: '2000 is leap' },
    { a: '2100-03-01', b: '2100-02-28', days: 1, why: '2100 is not leap' },
    { a: '2026-01-05', b: '2025-12-20', days: 16, why: '11 days to Dec 31 + 5' },
    { a: '1970-01-01', b: '1969-12-31', days: 1, why: 'across the epoch' },
    { a: '2024-06-15', b: '2024-06-15', days: 0, why: 'same day' },
  ])('$a - $b = $days ($why)', ({ a, b, days }) => {
    expect(diffDays(a, b)).toBe(days);
  });

  it.each([
    { date: '2024-02-28', days: 1, expected: '2024-02-29' },
    { date: '2023-02-28', days: 1, expected: '2023-03-01' },
    { date: '2023-12-31', days: 1, expected: '2024-01-01' },
    { date: '2024-03-01', days: -1, expected: '2024-02-29' },
    { date: '2024-01-01', days: 366, expected: '2025-01-01' },
  ])('addDays($date, $days) = $expected', ({ date, days, expected }) => {
    expect(addDays(date, days)).toBe(expected);
  });
});

describe('addMonths', () => {
  it.each([
    { date: '2024-01-31', months: 1, expected: '2024-02-29', why: 'clamped to Feb 29 (2024 leap)' },
    { date: '2023-01-31', months: 1, expected: '2023-02-28', why: 'clamped to Feb 28' },
    { date: '2000-01-31', months: 1, expected: '2000-02-29', why: '2000 leap (div. by 400)' },
    { date: '2100-01-31', months: 1, expected: '2100-02-28', why: '2100 not leap' },
    { date: '2024-03-31', months: 1, expected: '2024-04-30', why: 'April has 30 days' },
    { date: '2024-01-31', months: 2, expected: '2024-03-31', why: 'from the original day 31' },
    { date: '2024-01-31', months: 13, expected: '2025-02-28', why: '13 months lands in 2025' },
    { date: '2024-01-31', months: 12, expected: '2025-01-31', why: 'one year' },
    { date: '2024-12-15', months: 1, expected: '2025-01-15', why: 'across a year end' },
    { date: '2024-03-31', months: -1, expected: '2024-02-29', why: 'backwards, clamped' },
    { date: '2024-01-15', months: -1, expected: '2023-12-15', why: 'backwards across year' },
    { date: '2024-02-29', months: 12, expected: '2025-02-28', why: 'leap day + 1 year' },
    { date: '2024-01-31', months: 0, expected: '2024-01-31', why: 'zero months' },
  ])('addMonths($date, $months) = $expected ($why)', ({ date, months, expected }) => {
    expect(addMonths(date, months)).toBe(expected);
  });

  it.each([
    { date: '2024-02-29', months: 1, dom: 31, expected: '2024-03-31', why: 'day 31 restored' },
    { date: '2024-01-15', months: 1, dom: 31, expected: '2024-02-29', why: 'day 31 clamped' },
    { date: '2023-01-15', months: 1, dom: 30, expected: '2023-02-28', why: 'day 30 clamped' },
  ])('addMonths($date, $months, $dom) = $expected ($why)', ({ date, months, dom, expected }) => {
    expect(addMonths(date, months, dom)).toBe(expected);
  });

  it('throws on a malformed date', () => {
    expect(() => addMonths('2024/01/31', 1)).toThrow(RangeError);
  });
});

describe('dateRange', () => {
  it.each([
    {
      from: '2024-02-27',
      to: '2024-03-01',
      expected: ['2024-02-27', '2024-02-28', '2024-02-29', '2024-03-01'],
      why: 'includes Feb 29 in a leap year',
    },
    {
      from: '2023-02-27',
      to: '2023-03-01',
      expected: ['2023-02-27', '2023-02-28', '2023-03-01'],
      why: 'no Feb 29 in 2023',
    },
    {
      from: '2025-12-31',
      to: '2026-01-01',
      expected: ['2025-12-31', '2026-01-01'],
      why: 'across a year end',
    },
    { from: '2024-05-05', to: '2024-05-05', expected: ['2024-05-05'], why: 'single day' },
    { from: '2024-05-06', to: '2024-05-05', expected: [], why: 'empty when from > to' },
  ])('$from..$to ($why)', ({ from, to, expected }) => {
    expect(dateRange(from, to)).toEqual(expected);
  });

  it('has diffDays + 1 days, both ends included', () => {
    expect(dateRange('2024-01-01', '2024-12-31')).toHaveLength(366);
    expect(dateRange('2023-01-01', '2023-12-31')).toHaveLength(365);
  });
});
