/**
 * The rules of a customer file: the contact points, addresses, financials, tags and notes staff
 * may record, each checked field by field (the problems name the field), the keys search
 * compares, and the kinds of entry the timeline holds.
 */
import { isCurrency } from '../money/currency.ts';
import { isLocalDate, type LocalDate } from '../time/date.ts';

export interface Problem {
  at: string;
  reason: string;
}

export const CONTACT_KINDS = ['phone', 'email'] as const;
export type ContactKind = (typeof CONTACT_KINDS)[number];
export const CONTACT_TYPES = ['mobile', 'home', 'work', 'other'] as const;
export type ContactType = (typeof CONTACT_TYPES)[number];
export const ADDRESS_TYPES = ['home', 'work', 'postal', 'other'] as const;
export type AddressType = (typeof ADDRESS_TYPES)[number];
export const INCOME_PERIODS = ['month', 'year'] as const;
export type IncomePeriod = (typeof INCOME_PERIODS)[number];

/** Every kind of entry in a customer's timeline. */
export const TIMELINE_KINDS = [
  'payment',
  'contact',
  'message',
  'blocked',
  'strategy',
  'step',
  'promise',
  'plan',
  'hold',
  'note',
  'change',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

export const isTimelineKind = (s: string): s is TimelineKind =>
  (TIMELINE_KINDS as readonly string[]).includes(s);

/** The digits of a phone number. */
export const phoneDigits = (phone: string): string => phone.replace(/\D/g, '');

/** What search compares for a contact point: a phone's digits reversed, an email in lower case. */
export function searchKey(kind: ContactKind, value: string): string {
  return kind === 'phone' ? [...phoneDigits(value)].reverse().join('') : value.trim().toLowerCase();
}

const PHONE = /^\+?[\d\s().-]{6,24}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const oneOf = (v: unknown, list: readonly string[], at: string, out: Problem[]): void => {
  if (typeof v !== 'string' || !list.includes(v))
    out.push({ at, reason: `must be one of ${list.join(', ')}` });
};

const dateOrNull = (v: unknown, at: string, out: Problem[]): void => {
  if (v !== null && v !== undefined && !(typeof v === 'string' && isLocalDate(v)))
    out.push({ at, reason: 'is not a date (YYYY-MM-DD)' });
};

const textUpTo = (v: unknown, max: number, at: string, out: Problem[], required: boolean) => {
  if (v === undefined || v === null) {
    if (required) out.push({ at, reason: 'is required' });
    return;
  }
  if (typeof v !== 'string' || v.trim() === '') out.push({ at, reason: 'must not be empty' });
  else if (v.length > max) out.push({ at, reason: `must be at most ${max} characters` });
};

export interface ContactPointFields {
  kind: ContactKind;
  value: string;
  type: ContactType;
  verified: boolean;
  consentOn: LocalDate | null;
  optedOutOn: LocalDate | null;
}

/**
 * Checks a contact point (a new one: `current` null; a change: the fields given over the
 * current ones). The kind does not change: a number is not an email.
 */
export function checkContactPoint(
  input: Partial<Record<keyof ContactPointFields | 'primary', unknown>>,
  current: ContactPointFields | null,
): { fields?: ContactPointFields; problems: Problem[] } {
  const problems: Problem[] = [];
  if (current && input.kind !== undefined && input.kind !== current.kind)
    problems.push({ at: 'kind', reason: 'cannot change: add a new contact point' });
  const kind = (current?.kind ?? input.kind) as ContactKind;
  if (!current) oneOf(input.kind, CONTACT_KINDS, 'kind', problems);
  const value = input.value ?? current?.value;
  if (typeof value !== 'string' || value.trim() === '')
    problems.push({ at: 'value', reason: 'is required' });
  else if (kind === 'phone' && (!PHONE.test(value.trim()) || phoneDigits(value).length < 6))
    problems.push({ at: 'value', reason: 'is not a phone number (digits, spaces, + ( ) - .)' });
  else if (kind === 'email' && !EMAIL.test(value.trim()))
    problems.push({ at: 'value', reason: 'is not an email address' });
  const type = input.type ?? current?.type ?? (kind === 'phone' ? 'mobile' : 'home');
  oneOf(type, CONTACT_TYPES, 'type', problems);
  const verified = input.verified ?? current?.verified ?? false;
  if (typeof verified !== 'boolean')
    problems.push({ at: 'verified', reason: 'must be true or false' });
  if (input.primary !== undefined && typeof input.primary !== 'boolean')
    problems.push({ at: 'primary', reason: 'must be true or false' });
  dateOrNull(input.consentOn, 'consentOn', problems);
  dateOrNull(input.optedOutOn, 'optedOutOn', problems);
  if (problems.length > 0) return { problems };
  return {
    problems,
    fields: {
      kind,
      value: (value as string).trim(),
      type: type as ContactType,
      verified: verified as boolean,
      consentOn: (input.consentOn === undefined
        ? (current?.consentOn ?? null)
        : input.consentOn) as LocalDate | null,
      optedOutOn: (input.optedOutOn === undefined
        ? (current?.optedOutOn ?? null)
        : input.optedOutOn) as LocalDate | null,
    },
  };
}

export interface AddressFields {
  type: AddressType;
  line: string;
  latitude: number | null;
  longitude: number | null;
}

export function checkAddress(
  input: Partial<Record<keyof AddressFields | 'primary', unknown>>,
  current: AddressFields | null,
): { fields?: AddressFields; problems: Problem[] } {
  const problems: Problem[] = [];
  const line = input.line ?? current?.line;
  textUpTo(line, 500, 'line', problems, true);
  const type = input.type ?? current?.type ?? 'home';
  oneOf(type, ADDRESS_TYPES, 'type', problems);
  const lat = input.latitude === undefined ? (current?.latitude ?? null) : input.latitude;
  const lon = input.longitude === undefined ? (current?.longitude ?? null) : input.longitude;
  for (const [at, v, max] of [
    ['latitude', lat, 90],
    ['longitude', lon, 180],
  ] as const)
    if (v !== null && (typeof v !== 'number' || !Number.isFinite(v) || Math.abs(v) > max))
      problems.push({ at, reason: `must be a number from -${max} to ${max}` });
  if ((lat === null) !== (lon === null))
    problems.push({
      at: lat === null ? 'latitude' : 'longitude',
      reason: 'comes with the other coordinate',
    });
  if (input.primary !== undefined && typeof input.primary !== 'boolean')
    problems.push({ at: 'primary', reason: 'must be true or false' });
  if (problems.length > 0) return { problems };
  return {
    problems,
    fields: {
      type: type as AddressType,
      line: (line as string).trim(),
      latitude: lat as number | null,
      longitude: lon as number | null,
    },
  };
}

export interface FinancialFields {
  employer: string | null;
  occupation: string | null;
  incomeMinor: number | null;
  incomeCurrency: string | null;
  incomePeriod: IncomePeriod | null;
}

/** Checks the financials; the income is given already in minor units (see the use case). */
export function checkFinancials(
  input: Partial<Record<keyof FinancialFields, unknown>>,
  current: FinancialFields | null,
): { fields?: FinancialFields; problems: Problem[] } {
  const problems: Problem[] = [];
  const pick = <K extends keyof FinancialFields>(k: K) =>
    input[k] === undefined ? (current?.[k] ?? null) : input[k];
  const employer = pick('employer');
  const occupation = pick('occupation');
  textUpTo(employer, 200, 'employer', problems, false);
  textUpTo(occupation, 200, 'occupation', problems, false);
  const income = pick('incomeMinor');
  const currency = pick('incomeCurrency');
  const period = pick('incomePeriod');
  if (
    income !== null &&
    (typeof income !== 'number' || !Number.isSafeInteger(income) || income < 0)
  )
    problems.push({ at: 'income', reason: 'must be an amount of zero or more' });
  if (income !== null) {
    if (typeof currency !== 'string' || !isCurrency(currency))
      problems.push({
        at: 'incomeCurrency',
        reason: 'is required with an income: a currency code',
      });
    oneOf(period, INCOME_PERIODS, 'incomePeriod', problems);
  } else if (currency !== null || period !== null)
    problems.push({ at: 'income', reason: 'is required with a currency or a period' });
  if (problems.length > 0) return { problems };
  return {
    problems,
    fields: {
      employer: typeof employer === 'string' ? employer.trim() : null,
      occupation: typeof occupation === 'string' ? occupation.trim() : null,
      incomeMinor: income as number | null,
      incomeCurrency: currency as string | null,
      incomePeriod: period as IncomePeriod | null,
    },
  };
}

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}_:.-]{0,39}$/u;

/** A tag: a word of letters, digits and `_ : . -`, up to 40, stored in lower case. */
export function checkTag(tag: unknown): { tag?: string; problems: Problem[] } {
  if (typeof tag !== 'string' || !TAG.test(tag.trim()))
    return {
      problems: [
        { at: 'tag', reason: 'must be a word of letters, digits and _ : . - (at most 40)' },
      ],
    };
  return { tag: tag.trim().toLowerCase(), problems: [] };
}

export function checkNote(body: unknown): Problem[] {
  const problems: Problem[] = [];
  textUpTo(body, 4000, 'body', problems, true);
  return problems;
}

/** How a search string is read: the ways it may name a customer. */
export interface SearchTerms {
  /** A customer or account id, exactly. */
  id: string;
  /** A phone number's end: its digits reversed, when the text is a number of 4 digits or more. */
  phoneKey: string | null;
  /** An email's beginning, in lower case, when the text has an @. */
  emailPrefix: string | null;
  /** The beginnings of a name's words, in lower case (none for a text with a digit or an @). */
  nameWords: string[];
}

export function searchTerms(q: string): SearchTerms {
  const text = q.trim();
  const isNumber = /^\+?[\d\s().-]+$/.test(text) && phoneDigits(text).length >= 4;
  const isEmail = text.includes('@');
  return {
    id: text,
    phoneKey: isNumber ? searchKey('phone', text) : null,
    emailPrefix: isEmail ? text.toLowerCase() : null,
    // names have no digits: a text with one is an id, a number or an address
    nameWords:
      isEmail || /\d/.test(text)
        ? []
        : text
            .toLowerCase()
            .split(/[\s,]+/)
            .map((w) => w.replace(/[^\p{L}\p{N}'-]/gu, ''))
            .filter((w) => w !== ''),
  };
}

/** Who may change a file: everyone but the read-only analyst. */
export const mayEditFile = (role: string): boolean => role !== 'analyst';
