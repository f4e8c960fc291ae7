/**
 * Numbers, money, dates and percentages in the reader's language, by Intl. Amounts arrive from
 * the API as exact decimal strings in major units ("1234.50"); they are formatted from the
 * string, never through a float, so no cent is lost on the way to the screen.
 */
export type Locale = 'en' | 'zh-CN';

export function money(amount: string | null | undefined, currency: string, locale: Locale) {
  if (amount === null || amount === undefined) return '—';
  // Intl formats a decimal string exactly (NumberFormat v3)
  return new Intl.NumberFormat(locale, { style: 'currency', currency }).format(
    amount as unknown as number,
  );
}

export function compactMoney(amount: string, currency: string, locale: Locale) {
  return new Intl.NumberFormat(locale, {
    style: 'currency',
    currency,
    notation: 'compact',
    maximumFractionDigits: 1,
  }).format(amount as unknown as number);
}

export const num = (n: number | null | undefined, locale: Locale, digits = 0) =>
  n === null || n === undefined
    ? '—'
    : new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);

/** A share (0..1) as a percentage. */
export const pct = (share: number | null | undefined, locale: Locale, digits = 1) =>
  share === null || share === undefined || Number.isNaN(share)
    ? '—'
    : new Intl.NumberFormat(locale, {
        style: 'percent',
        minimumFractionDigits: digits,
        maximumFractionDigits: digits,
      }).format(share);

/** A calendar date 'YYYY-MM-DD' (no time zone: it is a day, not an instant). */
export function date(
  d: string | null | undefined,
  locale: Locale,
  style: 'short' | 'long' = 'short',
) {
  if (!d) return '—';
  const [y, m, day] = d.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: style === 'long' ? 'long' : '2-digit',
    day: '2-digit',
  }).format(Date.UTC(y!, m! - 1, day!));
}

/** An instant in the reader's own time zone. */
export function dateTime(iso: string | null | undefined, locale: Locale) {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(locale, { dateStyle: 'short', timeStyle: 'short' }).format(
    new Date(iso),
  );
}

/** A month 'YYYY-MM'. */
export function month(m: string, locale: Locale) {
  const [y, mo] = m.split('-').map(Number);
  return new Intl.DateTimeFormat(locale, {
    timeZone: 'UTC',
    year: 'numeric',
    month: 'short',
  }).format(Date.UTC(y!, mo! - 1, 1));
}

/** An amount string as a number, for charts only (never for sums shown as money). */
export const chartValue = (amount: string) => Number(amount);
