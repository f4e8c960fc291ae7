/**
 * Message templates per channel and language, with `{{variable}}` placeholders. A template that
 * names an unknown variable is rejected when it is checked; values are formatted for the
 * customer's currency and language, and escaped for HTML where the output is HTML.
 */
import { formatMinor } from '../money/currency.ts';
import type { LocalDate } from '../time/date.ts';

export const TEMPLATE_CHANNELS = ['sms', 'email', 'letter'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

/** Every variable a template may use, with what it holds. */
export const TEMPLATE_VARIABLES = {
  customer_name: "the customer's name",
  company_name: 'the lender',
  account_ref: 'the account, masked to its last 4 characters',
  amount_due: 'what is due now (arrears, or the instalment due), formatted for the currency',
  outstanding: 'the whole balance, formatted',
  due_date: 'the due date of what is due, formatted for the language',
  days_past_due: 'days past due',
  payment_reference: 'the reference to quote when paying',
  payment_link: 'a signed link to pay or arrange a plan',
  opt_out_link: 'a link to stop messages on this channel',
  itemised_bill: 'the unpaid instalments with their parts and due dates (e-mail and letters)',
} as const;
export type TemplateVariable = keyof typeof TEMPLATE_VARIABLES;

export interface MessageTemplate {
  id: string;
  channel: TemplateChannel;
  language: string;
  /** E-mails and letters have a subject (the letter's heading). */
  subject?: string;
  body: string;
}

export interface TemplateError {
  field: 'subject' | 'body' | 'id' | 'channel';
  reason: string;
}

const PLACEHOLDER = /\{\{\s*([a-zA-Z0-9_]+)\s*\}\}/g;
const STRAY = /\{\{|\}\}/;

/** Problems with a template: unknown variables (with line and column), missing parts. */
export function checkTemplate(t: MessageTemplate): TemplateError[] {
  const errors: TemplateError[] = [];
  if (!/^[a-z0-9][a-z0-9_.-]{0,127}$/.test(t.id))
    errors.push({ field: 'id', reason: 'is not a valid template id' });
  if (!(TEMPLATE_CHANNELS as readonly string[]).includes(t.channel)) {
    errors.push({ field: 'channel', reason: `unknown channel "${t.channel}"` });
  }
  if (t.channel !== 'sms' && !t.subject?.trim())
    errors.push({ field: 'subject', reason: 'is required for e-mails and letters' });
  for (const field of ['subject', 'body'] as const) {
    const text = t[field];
    if (text === undefined) continue;
    text.split('\n').forEach((line, i) => {
      for (const m of line.matchAll(PLACEHOLDER)) {
        const name = m[1]!;
        if (!Object.hasOwn(TEMPLATE_VARIABLES, name)) {
          errors.push({
            field,
            reason: `line ${i + 1}, column ${m.index! + 1}: unknown variable "${name}"`,
          });
        } else if (name === 'itemised_bill' && t.channel === 'sms') {
          errors.push({ field, reason: `line ${i + 1}: an SMS cannot carry the itemised bill` });
        }
      }
      if (STRAY.test(line.replace(PLACEHOLDER, ''))) {
        errors.push({ field, reason: `line ${i + 1}: unbalanced {{ or }}` });
      }
    });
  }
  // Every e-mail and text carries a simple way to opt out (Regulation F §1006.6(e)).
  if (t.channel !== 'letter' && !/\{\{\s*opt_out_link\s*\}\}/.test(t.body)) {
    errors.push({
      field: 'body',
      reason: `${t.channel === 'sms' ? 'a text' : 'an e-mail'} must carry {{opt_out_link}}`,
    });
  }
  return errors;
}

export interface BillLine {
  seq: number;
  dueDate: LocalDate;
  principal: number;
  interest: number;
  fees: number;
  unpaid: number;
}

export interface MessageFacts {
  customerName: string;
  companyName: string;
  accountId: string;
  currency: string;
  /** BCP 47 tag of the customer's language. */
  language: string;
  amountDue: number;
  outstanding: number;
  dueDate: LocalDate | null;
  daysPastDue: number;
  paymentReference: string;
  paymentLink: string;
  optOutLink: string;
  bill: readonly BillLine[];
}

// Formatters are costly to build and safe to share: one per language and currency.
const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

/** Amounts in minor units, formatted exactly (through the decimal string, never a float sum). */
export function formatMoney(minor: number, currency: string, language: string): string {
  const key = `${language}|${currency}`;
  let f = moneyFormats.get(key);
  if (!f)
    moneyFormats.set(key, (f = new Intl.NumberFormat(language, { style: 'currency', currency })));
  return f.format(formatMinor(minor, currency) as unknown as number);
}

export function formatDate(date: LocalDate, language: string): string {
  let f = dateFormats.get(language);
  if (!f)
    dateFormats.set(
      language,
      (f = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone: 'UTC' })),
    );
  return f.format(new Date(`${date}T00:00:00Z`));
}

const zh = (language: string) => language.startsWith('zh');

function billText(f: MessageFacts): string {
  const m = (v: number) => formatMoney(v, f.currency, f.language);
  const lines = f.bill.map((b) =>
    zh(f.language)
      ? `第${b.seq}期 ${formatDate(b.dueDate, f.language)}：本金 ${m(b.principal)}，利息 ${m(b.interest)}，费用 ${m(b.fees)}，未还 ${m(b.unpaid)}`
      : `#${b.seq} due ${formatDate(b.dueDate, f.language)}: principal ${m(b.principal)}, interest ${m(b.interest)}, fees ${m(b.fees)}, unpaid ${m(b.unpaid)}`,
  );
  const total = f.bill.reduce((n, b) => n + b.unpaid, 0);
  lines.push(zh(f.language) ? `合计应还：${m(total)}` : `Total due: ${m(total)}`);
  return lines.join('\n');
}

export function templateValues(f: MessageFacts): Record<TemplateVariable, string> {
  return {
    customer_name: f.customerName,
    company_name: f.companyName,
    account_ref: `****${f.accountId.slice(-4)}`,
    amount_due: formatMoney(f.amountDue, f.currency, f.language),
    outstanding: formatMoney(f.outstanding, f.currency, f.language),
    due_date: f.dueDate ? formatDate(f.dueDate, f.language) : '',
    days_past_due: String(f.daysPastDue),
    payment_reference: f.paymentReference,
    payment_link: f.paymentLink,
    opt_out_link: f.optOutLink,
    itemised_bill: billText(f),
  };
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

export interface Rendered {
  subject?: string;
  text: string;
  /** For e-mails: the body as HTML, every value escaped. */
  html?: string;
}

/** Fills a checked template; throws on a template that `checkTemplate` rejects. */
export function renderTemplate(
  t: MessageTemplate,
  values: Record<TemplateVariable, string>,
): Rendered {
  const errors = checkTemplate(t);
  if (errors.length > 0)
    throw new RangeError(
      `template ${t.id}: ${errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`,
    );
  const fill = (text: string, escape: (s: string) => string) =>
    text.replace(PLACEHOLDER, (_, name: TemplateVariable) => escape(values[name]));
  const out: Rendered = { text: fill(t.body, (s) => s) };
  if (t.subject !== undefined) out.subject = fill(t.subject, (s) => s);
  if (t.channel === 'email') {
    const html = fill(escapeHtml(t.body), (s) => escapeHtml(s))
      .split('\n\n')
      .map((p) => `<p>${p.replaceAll('\n', '<br>')}</p>`)
      .join('\n');
    out.html = html.replace(
      escapeHtml(values.opt_out_link),
      `<a href="${escapeHtml(values.opt_out_link)}">${escapeHtml(values.opt_out_link)}</a>`,
    );
  }
  return out;
}
