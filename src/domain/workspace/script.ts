/**
 * Call scripts: what a collector says, per segment of the strategy and language, with the
 * customer's facts filled in. The most specific script wins: the segment's in the customer's
 * language, then any segment's (`*`); a language falls back to its primary tag and then to
 * English.
 */
import { formatMoney } from '../templates/templates.ts';

export interface CallScript {
  segment: string;
  language: string;
  title: string;
  body: string;
}

export const SCRIPT_VARIABLES = {
  customer_name: "the customer's name",
  company_name: 'the lender',
  account_ref: 'the account, masked to its last 4 characters',
  amount_due: 'what is overdue, formatted for the currency',
  outstanding: 'the whole balance, formatted',
  days_past_due: 'days past due',
} as const;

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g;

/** Unknown variables in a script, by line. */
export function checkScript(s: CallScript): { at: string; reason: string }[] {
  const out: { at: string; reason: string }[] = [];
  if (!s.segment.trim()) out.push({ at: 'segment', reason: 'is required (* for any segment)' });
  if (!/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(s.language))
    out.push({ at: 'language', reason: 'is not a language tag (en, zh-CN, ...)' });
  if (!s.title.trim()) out.push({ at: 'title', reason: 'is required' });
  s.body.split('\n').forEach((line, i) => {
    for (const m of line.matchAll(PLACEHOLDER))
      if (!Object.hasOwn(SCRIPT_VARIABLES, m[1]!))
        out.push({ at: 'body', reason: `line ${i + 1}: unknown variable "${m[1]}"` });
  });
  if (!s.body.trim()) out.push({ at: 'body', reason: 'is required' });
  return out;
}

export function pickScript(
  scripts: readonly CallScript[],
  segment: string | null,
  language: string,
): CallScript | null {
  const segments = segment ? [segment, '*'] : ['*'];
  const primary = (l: string) => l.split('-')[0]!;
  // The customer's language in any segment before English in the segment.
  for (const lang of [language, primary(language), 'en'])
    for (const seg of segments) {
      const s = scripts.find(
        (x) => x.segment === seg && (x.language === lang || primary(x.language) === lang),
      );
      if (s) return s;
    }
  return null;
}

export interface ScriptFacts {
  customerName: string;
  companyName: string;
  accountId: string;
  currency: string;
  language: string;
  amountDue: number;
  outstanding: number;
  daysPastDue: number;
}

export function renderScript(s: CallScript, f: ScriptFacts): { title: string; body: string } {
  const values: Record<keyof typeof SCRIPT_VARIABLES, string> = {
    customer_name: f.customerName,
    company_name: f.companyName,
    account_ref: f.accountId.slice(-4),
    amount_due: formatMoney(f.amountDue, f.currency, f.language),
    outstanding: formatMoney(f.outstanding, f.currency, f.language),
    days_past_due: String(f.daysPastDue),
  };
  const fill = (text: string) =>
    text.replace(PLACEHOLDER, (m, name: string) =>
      Object.hasOwn(values, name) ? values[name as keyof typeof values] : m,
    );
  return { title: fill(s.title), body: fill(s.body) };
}
