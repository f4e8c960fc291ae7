/**
 * Validation of import rows: each function takes one CSV record (column → text) and what is
 * known about the ids it references, and returns the normalised row or every problem found,
 * each naming the column and the reason. Pure: lookups come in as arguments.
 */
import { HOLD_KINDS, PRODUCTS, type HoldKind, type Product } from '../ledger/types.ts';
import { isCurrency, parseAmount } from '../money/currency.ts';
import { isLocalDate, type LocalDate } from '../time/date.ts';
import { isTimeZone, localDateOf, parseInstant } from '../time/zone.ts';

export const IMPORT_FILES = ['customers', 'accounts', 'instalments', 'payments', 'holds'] as const;
export type ImportFile = (typeof IMPORT_FILES)[number];

/** Columns per file; the first list is required, the second optional. */
export const IMPORT_COLUMNS: Record<ImportFile, { required: string[]; optional: string[] }> = {
  customers: {
    required: ['customer_id', 'name', 'timezone', 'language', 'jurisdiction'],
    optional: ['phone', 'email', 'address', 'latitude', 'longitude'],
  },
  accounts: {
    required: ['account_id', 'customer_id', 'product', 'currency', 'principal', 'opened_on'],
    optional: ['grace_days'],
  },
  instalments: {
    required: ['account_id', 'seq', 'due_date', 'principal_due'],
    optional: ['interest_due', 'fees_due'],
  },
  payments: { required: ['payment_id', 'account_id', 'paid_on', 'amount'], optional: [] },
  holds: { required: ['account_id', 'kind', 'from'], optional: ['to', 'note'] },
};

export interface RowError {
  column: string;
  reason: string;
}

export type RowResult<T> = { ok: true; value: T } | { ok: false; errors: RowError[] };

export type CsvRecord = Readonly<Record<string, string | undefined>>;

/** Problems with a file's header: missing required columns, unknown or repeated columns. */
export function validateHeader(file: ImportFile, header: readonly string[]): RowError[] {
  const { required, optional } = IMPORT_COLUMNS[file];
  const known = new Set([...required, ...optional]);
  const errors: RowError[] = [];
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) errors.push({ column: h, reason: 'column appears twice' });
    seen.add(h);
    if (!known.has(h)) {
      errors.push({ column: h, reason: `unknown column (expected: ${[...known].join(', ')})` });
    }
  }
  for (const r of required) {
    if (!seen.has(r)) errors.push({ column: r, reason: 'required column is missing' });
  }
  return errors;
}

export const ID_RE = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,63}$/;
const LANGUAGE_RE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const JURISDICTION_RE = /^[A-Z]{2}(-[A-Z0-9]{1,3})?$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PHONE_RE = /^\+[1-9]\d{6,14}$/;

/** Collects errors while reading the columns of one record. */
class Reader {
  readonly errors: RowError[] = [];
  constructor(private readonly rec: CsvRecord) {}

  private raw(col: string): string {
    return (this.rec[col] ?? '').trim();
  }
  fail(column: string, reason: string) {
    this.errors.push({ column, reason });
  }
  required(col: string): string {
    const v = this.raw(col);
    if (v === '') this.fail(col, 'is required');
    return v;
  }
  optional(col: string): string | null {
    const v = this.raw(col);
    return v === '' ? null : v;
  }
  id(col: string): string {
    const v = this.required(col);
    if (v !== '' && !ID_RE.test(v)) {
      this.fail(col, `"${v}" is not a valid id (1–64 letters, digits, . _ : / -)`);
    }
    return v;
  }
  date(col: string, value: string | null): LocalDate | null {
    if (value === null || value === '') return null;
    if (!isLocalDate(value)) {
      this.fail(col, `"${value}" is not a date (YYYY-MM-DD)`);
      return null;
    }
    return value;
  }
  int(col: string, value: string | null, min: number): number | null {
    if (value === null || value === '') return null;
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      this.fail(col, `"${value}" is not a whole number`);
      return null;
    }
    const n = Number(value);
    if (n < min) this.fail(col, `must be at least ${min}`);
    return n;
  }
  amount(
    col: string,
    value: string | null,
    currency: string | undefined,
    min: 'zero' | 'positive',
  ) {
    if (value === null || value === '' || currency === undefined) return 0;
    const r = parseAmount(value, currency);
    if (!r.ok) {
      this.fail(col, r.reason);
      return 0;
    }
    if (r.minor < 0 || (min === 'positive' && r.minor === 0)) {
      this.fail(col, min === 'positive' ? 'must be greater than zero' : 'must not be negative');
    }
    return r.minor;
  }
  coordinate(col: string, limit: number): string | null {
    const v = this.optional(col);
    if (v === null) return null;
    if (!/^-?\d{1,3}(\.\d{1,8})?$/.test(v) || Math.abs(Number(v)) > limit) {
      this.fail(col, `"${v}" is not a coordinate between -${limit} and ${limit}`);
      return null;
    }
    return v;
  }
  result<T>(value: T): RowResult<T> {
    return this.errors.length > 0 ? { ok: false, errors: this.errors } : { ok: true, value };
  }
}

export interface CustomerRow {
  customerId: string;
  name: string;
  phone: string | null;
  email: string | null;
  address: string | null;
  latitude: string | null;
  longitude: string | null;
  timezone: string;
  language: string;
  jurisdiction: string;
}

export function validateCustomer(rec: CsvRecord): RowResult<CustomerRow> {
  const r = new Reader(rec);
  const customerId = r.id('customer_id');
  const name = r.required('name');
  const phone = r.optional('phone');
  if (phone !== null && !PHONE_RE.test(phone.replace(/[\s-]/g, ''))) {
    r.fail('phone', `"${phone}" is not an international number (+ and 7–15 digits)`);
  }
  const email = r.optional('email');
  if (email !== null && !EMAIL_RE.test(email))
    r.fail('email', `"${email}" is not an email address`);
  const latitude = r.coordinate('latitude', 90);
  const longitude = r.coordinate('longitude', 180);
  if ((latitude === null) !== (longitude === null) && r.errors.length === 0) {
    r.fail(latitude === null ? 'latitude' : 'longitude', 'latitude and longitude go together');
  }
  const timezone = r.required('timezone');
  if (timezone !== '' && !isTimeZone(timezone))
    r.fail('timezone', `unknown time zone "${timezone}"`);
  const language = r.required('language');
  if (language !== '' && !LANGUAGE_RE.test(language)) {
    r.fail('language', `"${language}" is not a language tag (e.g. en, zh-CN)`);
  }
  const jurisdiction = r.required('jurisdiction');
  if (jurisdiction !== '' && !JURISDICTION_RE.test(jurisdiction)) {
    r.fail('jurisdiction', `"${jurisdiction}" is not a country code (e.g. US, CN, UK, US-NY)`);
  }
  return r.result({
    customerId,
    name,
    phone: phone === null ? null : phone.replace(/[\s-]/g, ''),
    email,
    address: r.optional('address'),
    latitude,
    longitude,
    timezone,
    language,
    jurisdiction,
  });
}

export interface AccountRow {
  accountId: string;
  customerId: string;
  product: Product;
  currency: string;
  principal: number;
  openedOn: LocalDate;
  graceDays: number | null;
}

export interface AccountContext {
  customerExists(customerId: string): boolean;
  /** The currency already stored for this account, if it exists. */
  storedCurrency(accountId: string): string | undefined;
}

export function validateAccount(rec: CsvRecord, ctx: AccountContext): RowResult<AccountRow> {
  const r = new Reader(rec);
  const accountId = r.id('account_id');
  const customerId = r.id('customer_id');
  if (customerId !== '' && r.errors.length === 0 && !ctx.customerExists(customerId)) {
    r.fail('customer_id', `unknown customer "${customerId}"`);
  }
  const product = r.required('product');
  if (product !== '' && !(PRODUCTS as readonly string[]).includes(product)) {
    r.fail('product', `unknown product "${product}" (expected ${PRODUCTS.join(', ')})`);
  }
  const currency = r.required('currency');
  const currencyOk = currency !== '' && isCurrency(currency);
  if (currency !== '' && !currencyOk) r.fail('currency', `unknown currency "${currency}"`);
  const stored = accountId ? ctx.storedCurrency(accountId) : undefined;
  if (currencyOk && stored !== undefined && stored !== currency) {
    r.fail('currency', `the account is held in ${stored}; its currency cannot change`);
  }
  const principal = r.amount(
    'principal',
    r.required('principal'),
    currencyOk ? currency : undefined,
    'zero',
  );
  const openedOn = r.date('opened_on', r.required('opened_on'));
  const graceDays = r.int('grace_days', r.optional('grace_days'), 0);
  return r.result({
    accountId,
    customerId,
    product: product as Product,
    currency,
    principal,
    openedOn: openedOn ?? '',
    graceDays,
  });
}

export interface AccountFacts {
  currency: string;
  timezone: string;
}

export interface LedgerContext {
  account(accountId: string): AccountFacts | undefined;
}

function knownAccount(r: Reader, ctx: LedgerContext): [string, AccountFacts | undefined] {
  const accountId = r.id('account_id');
  if (accountId === '' || r.errors.length > 0) return [accountId, undefined];
  const facts = ctx.account(accountId);
  if (!facts) r.fail('account_id', `unknown account "${accountId}"`);
  return [accountId, facts];
}

export interface InstalmentRow {
  accountId: string;
  seq: number;
  dueDate: LocalDate;
  principal: number;
  interest: number;
  fees: number;
}

export function validateInstalment(rec: CsvRecord, ctx: LedgerContext): RowResult<InstalmentRow> {
  const r = new Reader(rec);
  const [accountId, facts] = knownAccount(r, ctx);
  const seq = r.int('seq', r.required('seq'), 1);
  const dueDate = r.date('due_date', r.required('due_date'));
  const cur = facts?.currency;
  const principal = r.amount('principal_due', r.required('principal_due'), cur, 'zero');
  const interest = r.amount('interest_due', r.optional('interest_due'), cur, 'zero');
  const fees = r.amount('fees_due', r.optional('fees_due'), cur, 'zero');
  return r.result({
    accountId,
    seq: seq ?? 0,
    dueDate: dueDate ?? '',
    principal,
    interest,
    fees,
  });
}

export interface PaymentRow {
  paymentId: string;
  accountId: string;
  paidOn: LocalDate;
  /** The instant, when the file gave a timestamp rather than a date. */
  paidAt: string | null;
  amount: number;
}

/**
 * A payment's date is either a calendar date (already local to the account) or an ISO
 * timestamp with offset, which counts on its calendar date in the customer's time zone.
 */
export function validatePayment(rec: CsvRecord, ctx: LedgerContext): RowResult<PaymentRow> {
  const r = new Reader(rec);
  const paymentId = r.id('payment_id');
  const [accountId, facts] = knownAccount(r, ctx);
  const when = r.required('paid_on');
  let paidOn: LocalDate = '';
  let paidAt: string | null = null;
  if (when.includes('T')) {
    const instant = parseInstant(when);
    if (!instant)
      r.fail(
        'paid_on',
        `"${when}" is not a timestamp with offset (e.g. 2026-03-05T22:41:00+08:00)`,
      );
    else if (facts) {
      paidAt = instant.toISOString();
      paidOn = localDateOf(instant, facts.timezone);
    }
  } else {
    paidOn = r.date('paid_on', when) ?? '';
  }
  const amount = r.amount('amount', r.required('amount'), facts?.currency, 'positive');
  return r.result({ paymentId, accountId, paidOn, paidAt, amount });
}

export interface HoldRow {
  accountId: string;
  kind: HoldKind;
  from: LocalDate;
  to: LocalDate | null;
  note: string | null;
}

export function validateHold(rec: CsvRecord, ctx: LedgerContext): RowResult<HoldRow> {
  const r = new Reader(rec);
  const [accountId] = knownAccount(r, ctx);
  const kind = r.required('kind');
  if (kind !== '' && !(HOLD_KINDS as readonly string[]).includes(kind)) {
    r.fail('kind', `unknown hold kind "${kind}" (expected ${HOLD_KINDS.join(', ')})`);
  }
  const from = r.date('from', r.required('from'));
  const to = r.date('to', r.optional('to'));
  if (from && to && to < from) r.fail('to', `ends (${to}) before it starts (${from})`);
  return r.result({
    accountId,
    kind: kind as HoldKind,
    from: from ?? '',
    to,
    note: r.optional('note'),
  });
}
