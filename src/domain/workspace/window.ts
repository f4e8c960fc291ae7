/**
 * The hours of a day in which a customer may be called: the rule set's contact window in the
 * customer's own time zone, narrowed by the hours the customer asked not to be called at
 * either end. The compliance engine still decides every call when it is started; the window
 * keeps "next account" from offering a customer it is too early or too late to call.
 */
import { instantAtLocal } from '../dispatch/lifecycle.ts';
import type { LocalDate } from '../time/date.ts';

export interface CallWindow {
  from: Date;
  to: Date;
}

/** Minutes after local midnight. */
export interface MinuteRange {
  from: number;
  to: number;
}

const parseRange = (s: string): MinuteRange | null => {
  const m = /^(\d\d):(\d\d)-(\d\d):(\d\d)$/.exec(s);
  if (!m) return null;
  return { from: Number(m[1]) * 60 + Number(m[2]), to: Number(m[3]) * 60 + Number(m[4]) };
};

/**
 * The window of `day` for a customer in `zone` under a rule set's window, less inconvenient
 * times ("HH:MM-HH:MM") that touch its start or end. Null when nothing is left.
 */
export function callWindow(
  day: LocalDate,
  zone: string,
  ruleWindow: MinuteRange,
  inconvenient: readonly string[] = [],
): CallWindow | null {
  let { from, to } = ruleWindow;
  for (const text of inconvenient) {
    const r = parseRange(text);
    if (!r || r.from >= r.to) continue;
    if (r.from <= from && r.to > from) from = r.to;
    if (r.to >= to && r.from < to) to = r.from;
  }
  if (from >= to) return null;
  return { from: instantAtLocal(day, from, zone), to: instantAtLocal(day, to, zone) };
}
