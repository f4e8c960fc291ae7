/**
 * Use cases of the customer file: finding customers, the file itself, its timeline and the
 * repayment habits, and the changes staff make to it. Personal data is masked unless the
 * actor asks to see it and their role may; each such view is recorded. Every change is
 * checked field by field and recorded with what it was before and after.
 */
import { mayUnmask, type Actor } from '../../domain/access/roles.ts';
import {
  checkAddress,
  checkContactPoint,
  checkFinancials,
  checkNote,
  checkTag,
  isTimelineKind,
  mayEditFile,
  searchTerms,
  TIMELINE_KINDS,
  type AddressFields,
  type ContactPointFields,
  type TimelineKind,
} from '../../domain/customers/file.ts';
import { repaymentHabits, type RepaymentHabits } from '../../domain/customers/habits.ts';
import { maskDeep } from '../../domain/customers/masking.ts';
import { summaryOf } from '../../domain/customers/timeline.ts';
import { parseAmount } from '../../domain/money/currency.ts';
import { localDateOf } from '../../domain/time/zone.ts';
import type { PolicyStore } from '../policy/ports.ts';
import type { Clock } from '../shared/clock.ts';
import { forbidden, invalid, notFound, type ErrorDetail } from '../shared/errors.ts';
import type {
  Address,
  Change,
  ContactPoint,
  CustomerRef,
  CustomerStore,
  Financials,
  Note,
  OptOut,
  SearchHit,
  StoredFile,
  TimelineCursor,
  TimelineEntry,
} from './ports.ts';

export interface CustomerDeps {
  customers: CustomerStore;
  policies: PolicyStore;
  clock: Clock;
}

async function refOf(deps: CustomerDeps, ext: string): Promise<CustomerRef> {
  const ref = await deps.customers.ref(ext);
  if (!ref) throw notFound(`customer ${ext}`);
  return ref;
}

function limitOf(limit: number | undefined, max: number, details: ErrorDetail[]): number {
  const n = limit ?? 50;
  if (!Number.isInteger(n) || n < 1 || n > max)
    details.push({ at: 'limit', reason: `must be from 1 to ${max}` });
  return n;
}

/** Whether this request sees personal data in full; asking without the right is refused. */
function unmasked(actor: Actor, unmask: boolean | undefined): boolean {
  if (!unmask) return false;
  if (!mayUnmask(actor.role))
    throw forbidden(`the ${actor.role} role may not see personal data unmasked`);
  return true;
}

export interface SearchQuery {
  q?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
}

/** Customers by name, phone, email, customer id or account id; always masked. */
export async function searchCustomers(
  deps: CustomerDeps,
  query: SearchQuery,
  /** A collector or field agent: only the customers behind their tasks and accounts. */
  within?: string,
): Promise<{ items: SearchHit[]; next: string | null }> {
  const details: ErrorDetail[] = [];
  const limit = limitOf(query.limit, 500, details);
  const q = query.q?.trim() ?? '';
  if (q.length > 200) details.push({ at: 'q', reason: 'must be at most 200 characters' });
  if (details.length > 0) throw invalid('the search is not valid', details);
  const rows = await deps.customers.search(searchTerms(q), query.cursor, limit + 1, within);
  const items = rows.slice(0, limit).map((h) => maskDeep(h) as SearchHit);
  return { items, next: rows.length > limit ? items.at(-1)!.id : null };
}

/** The personal fields a file shows, named as the record of a view names them. */
function personalFields(f: StoredFile): string[] {
  return [
    'name',
    ...(f.phones.length > 0 ? ['phones'] : []),
    ...(f.emails.length > 0 ? ['emails'] : []),
    ...(f.addresses.length > 0 ? ['addresses'] : []),
    ...(f.financials ? ['financials'] : []),
  ];
}

export type CustomerFile = StoredFile & { masked: boolean };

/** The file of a customer: masked, or in full (recorded) when asked for by a role that may. */
export async function customerFile(
  deps: CustomerDeps,
  ext: string,
  actor: Actor,
  unmask?: boolean,
): Promise<CustomerFile> {
  const full = unmasked(actor, unmask);
  const ref = await refOf(deps, ext);
  const file = await deps.customers.file(ref, deps.clock.now());
  if (!full) return { ...(maskDeep(file) as StoredFile), masked: true };
  await deps.customers.recordView(
    ref,
    deps.clock.now(),
    actor.user,
    actor.role,
    'file',
    personalFields(file),
  );
  return { ...file, masked: false };
}

export interface TimelineQuery {
  kinds?: string | undefined;
  cursor?: string | undefined;
  limit?: number | undefined;
  unmask?: boolean | undefined;
}

const encodeCursor = (e: TimelineEntry): string =>
  Buffer.from(JSON.stringify([e.at, e.kind, e.key])).toString('base64url');

function decodeCursor(s: string): TimelineCursor | null {
  try {
    const [at, kind, key] = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as unknown[];
    if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) return null;
    if (typeof kind !== 'string' || typeof key !== 'string') return null;
    return { at, kind, key };
  } catch {
    return null;
  }
}

/** Everything that happened to a customer, newest first, a page at a time (by a time cursor). */
export async function customerTimeline(
  deps: CustomerDeps,
  ext: string,
  actor: Actor,
  q: TimelineQuery,
): Promise<{ items: TimelineEntry[]; next: string | null; masked: boolean }> {
  const details: ErrorDetail[] = [];
  const limit = limitOf(q.limit, 500, details);
  const kinds = q.kinds
    ? q.kinds
        .split(',')
        .map((k) => k.trim())
        .filter((k) => k !== '')
    : [...TIMELINE_KINDS];
  const wrong = kinds.filter((k) => !isTimelineKind(k));
  if (wrong.length > 0)
    details.push({
      at: 'kinds',
      reason: `${wrong.join(', ')}: not a kind (${TIMELINE_KINDS.join(', ')})`,
    });
  const cursor = q.cursor ? decodeCursor(q.cursor) : null;
  if (q.cursor && !cursor) details.push({ at: 'cursor', reason: 'is not a cursor of this list' });
  if (details.length > 0) throw invalid('the timeline query is not valid', details);
  const full = unmasked(actor, q.unmask);
  const ref = await refOf(deps, ext);
  const rows = await deps.customers.timeline(ref, kinds as TimelineKind[], cursor, limit + 1);
  const page = rows.slice(0, limit).map((e) => ({ ...e, summary: summaryOf(e.kind, e.detail) }));
  const next = rows.length > limit ? encodeCursor(page.at(-1)!) : null;
  if (!full) return { items: page.map((e) => maskDeep(e) as TimelineEntry), next, masked: true };
  await deps.customers.recordView(ref, deps.clock.now(), actor.user, actor.role, 'timeline', [
    'timeline',
  ]);
  return { items: page, next, masked: false };
}

/** The customer's repayment habits as of today in their time zone. */
export async function customerHabits(deps: CustomerDeps, ext: string): Promise<RepaymentHabits> {
  const ref = await refOf(deps, ext);
  const [data, policy] = await Promise.all([
    deps.customers.habitData(ref),
    deps.policies.ledgerPolicy(),
  ]);
  const accounts = data.accounts.map((a) => ({
    ...a,
    waterfall: policy[a.product].waterfall,
    arrearsTolerance: policy[a.product].arrearsTolerance,
  }));
  return repaymentHabits(accounts, data.promises, localDateOf(deps.clock.now(), ref.timezone));
}

// --- changes made by staff -------------------------------------------------------------------

function editor(actor: Actor): void {
  if (!mayEditFile(actor.role)) throw forbidden(`the ${actor.role} role may not change a file`);
}

const change = (
  deps: CustomerDeps,
  actor: Actor,
  subject: Change['subject'],
  subjectId: string | null,
  before: unknown,
  after: unknown,
): Change => ({
  at: deps.clock.now(),
  actor: actor.user,
  role: actor.role,
  subject,
  subjectId,
  action: before === null ? 'added' : after === null ? 'removed' : 'changed',
  before,
  after,
});

const rejectIf = (what: string, problems: readonly ErrorDetail[]) => {
  if (problems.length > 0) throw invalid(`the ${what} is not valid`, problems);
};

/** The channels an opted-out number or address leaves, as the contact rules name them. */
const OPT_OUT_CHANNELS = { phone: ['phone', 'sms'], email: ['email'] } as const;

function optOutOf(
  point: ContactPointFields,
  before: { optedOutOn: string | null } | null,
  actor: Actor,
  now: Date,
): OptOut | null {
  if (point.optedOutOn === null || before?.optedOutOn === point.optedOutOn) return null;
  return {
    channels: OPT_OUT_CHANNELS[point.kind],
    value: point.value,
    // from the start of the day stated (an opt-out recorded today counts from now)
    since: new Date(Math.min(now.getTime(), Date.parse(`${point.optedOutOn}T00:00:00Z`))),
    source: `customer file (${actor.user})`,
  };
}

interface Stored {
  id: number;
  primary: boolean;
  source: string;
  updatedAt: string;
}

/**
 * Contact points and addresses are kept alike: a list per customer, one of each group primary
 * (mirrored on the customers row), checked by the domain, each change recorded.
 */
interface Collection<F, S extends F & Stored> {
  subject: 'contact_point' | 'address';
  noun: string;
  /** The field a duplicate is reported on, and what it is called there. */
  key: keyof F & string;
  what(fields: F): string;
  check(input: Record<string, unknown>, current: S | null): { fields?: F; problems: ErrorDetail[] };
  /** Whether an entry is of the same group as these fields (one primary per group). */
  sameGroup(entry: S, fields: F): boolean;
  list(store: CustomerStore, ref: CustomerRef): Promise<S[]>;
  insert(
    store: CustomerStore,
    ref: CustomerRef,
    fields: F,
    primary: boolean,
    change: Change,
    optOut: OptOut | null,
  ): Promise<S | null>;
  update(
    store: CustomerStore,
    ref: CustomerRef,
    id: number,
    fields: F,
    primary: boolean,
    change: Change,
    optOut: OptOut | null,
  ): Promise<S | null>;
  remove(store: CustomerStore, ref: CustomerRef, id: number, change: Change): Promise<void>;
  optOut(fields: F, before: S | null, actor: Actor, now: Date): OptOut | null;
}

const POINTS: Collection<ContactPointFields, ContactPoint> = {
  subject: 'contact_point',
  noun: 'contact point',
  key: 'value',
  what: (f) => f.kind,
  check: checkContactPoint,
  sameGroup: (e, f) => e.kind === f.kind,
  list: (s, ref) => s.contactPoints(ref),
  insert: (s, ...a) => s.insertContactPoint(...a),
  update: (s, ...a) => s.updateContactPoint(...a),
  remove: (s, ...a) => s.deleteContactPoint(...a),
  optOut: optOutOf,
};

const ADDRESSES: Collection<AddressFields, Address> = {
  subject: 'address',
  noun: 'address',
  key: 'line',
  what: () => 'address',
  check: checkAddress,
  sameGroup: () => true,
  list: (s, ref) => s.addresses(ref),
  insert: (s, ref, f, primary, change) => s.insertAddress(ref, f, primary, change),
  update: (s, ref, id, f, primary, change) => s.updateAddress(ref, id, f, primary, change),
  remove: (s, ...a) => s.deleteAddress(...a),
  optOut: () => null,
};

const entryOf = <S extends Stored>(
  c: { noun: string },
  all: readonly S[],
  id: number,
  ext: string,
) => {
  const e = all.find((x) => x.id === id);
  if (!e) throw notFound(`${c.noun} ${id} of customer ${ext}`);
  return e;
};

/** What a change records of an entry: its fields and whether it is primary. */
const recorded = <S extends Stored>({ id: _i, updatedAt: _u, source: _s, ...rest }: S) => rest;

const duplicate = <F>(c: Collection<F, F & Stored>, fields: F, ext: string) =>
  invalid(`the ${c.noun} is not valid`, [
    { at: c.key, reason: `customer ${ext} already has this ${c.what(fields)}` },
  ]);

async function addEntry<F, S extends F & Stored>(
  c: Collection<F, S>,
  deps: CustomerDeps,
  ext: string,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<S> {
  editor(actor);
  const { fields, problems } = c.check(input, null);
  rejectIf(c.noun, problems);
  const ref = await refOf(deps, ext);
  const all = await c.list(deps.customers, ref);
  // the first of its group (a customer's first phone, email, address) is the one in use
  const primary = input.primary === true || !all.some((x) => c.sameGroup(x, fields!));
  const stored = await c.insert(
    deps.customers,
    ref,
    fields!,
    primary,
    change(deps, actor, c.subject, null, null, { ...fields, primary }),
    c.optOut(fields!, null, actor, deps.clock.now()),
  );
  if (!stored) throw duplicate(c, fields!, ext);
  return stored;
}

async function changeEntry<F, S extends F & Stored>(
  c: Collection<F, S>,
  deps: CustomerDeps,
  ext: string,
  id: number,
  input: Record<string, unknown>,
  actor: Actor,
): Promise<S> {
  editor(actor);
  const ref = await refOf(deps, ext);
  const current = entryOf(c, await c.list(deps.customers, ref), id, ext);
  const { fields, problems } = c.check(input, current);
  rejectIf(c.noun, problems);
  if (input.primary === false && current.primary)
    throw invalid(`the ${c.noun} is not valid`, [
      { at: 'primary', reason: 'make another one primary instead' },
    ]);
  const primary = input.primary === true || current.primary;
  const stored = await c.update(
    deps.customers,
    ref,
    id,
    fields!,
    primary,
    change(deps, actor, c.subject, String(id), recorded(current), { ...fields, primary }),
    c.optOut(fields!, current, actor, deps.clock.now()),
  );
  if (!stored) throw duplicate(c, fields!, ext);
  return stored;
}

async function removeEntry<F, S extends F & Stored>(
  c: Collection<F, S>,
  deps: CustomerDeps,
  ext: string,
  id: number,
  actor: Actor,
): Promise<void> {
  editor(actor);
  const ref = await refOf(deps, ext);
  const current = entryOf(c, await c.list(deps.customers, ref), id, ext);
  await c.remove(
    deps.customers,
    ref,
    id,
    change(deps, actor, c.subject, String(id), recorded(current), null),
  );
}

export type ContactPointInput = Partial<
  Record<'kind' | 'value' | 'type' | 'verified' | 'primary' | 'consentOn' | 'optedOutOn', unknown>
>;

export type AddressInput = Partial<
  Record<'type' | 'line' | 'latitude' | 'longitude' | 'primary', unknown>
>;

/** The use cases of a collection: add, change and remove one of its entries. */
function entryUseCases<F, S extends F & Stored, I extends Record<string, unknown>>(
  c: Collection<F, S>,
) {
  return {
    add: (deps: CustomerDeps, ext: string, input: I, actor: Actor): Promise<S> =>
      addEntry(c, deps, ext, input, actor),
    change: (deps: CustomerDeps, ext: string, id: number, input: I, actor: Actor): Promise<S> =>
      changeEntry(c, deps, ext, id, input, actor),
    remove: (deps: CustomerDeps, ext: string, id: number, actor: Actor): Promise<void> =>
      removeEntry(c, deps, ext, id, actor),
  };
}

/**
 * Phones and emails: the first of its kind, or one marked primary, is the one the channels use;
 * an opt-out date set reaches the contact rules; removing the primary one makes the next of
 * its kind primary.
 */
export const {
  add: addContactPoint,
  change: changeContactPoint,
  remove: removeContactPoint,
} = entryUseCases<ContactPointFields, ContactPoint, ContactPointInput>(POINTS);

/** Addresses, with their coordinates: the primary one is the customers row's address. */
export const {
  add: addAddress,
  change: changeAddress,
  remove: removeAddress,
} = entryUseCases<AddressFields, Address, AddressInput>(ADDRESSES);

export interface FinancialsInput {
  employer?: string | null | undefined;
  occupation?: string | null | undefined;
  /** In the income currency's major units, e.g. "4500.00"; null clears the income. */
  income?: string | null | undefined;
  incomeCurrency?: string | null | undefined;
  incomePeriod?: string | null | undefined;
}

/** Sets what is known of the customer's repayment capacity (the fields given; null clears). */
export async function setFinancials(
  deps: CustomerDeps,
  ext: string,
  input: FinancialsInput,
  actor: Actor,
): Promise<Financials> {
  editor(actor);
  const ref = await refOf(deps, ext);
  const current = await deps.customers.financials(ref);
  let incomeMinor: number | null | undefined = input.income === null ? null : undefined;
  const currency = input.incomeCurrency ?? current?.incomeCurrency ?? null;
  const problems: ErrorDetail[] = [];
  if (typeof input.income === 'string') {
    const amount = parseAmount(input.income, currency ?? '');
    if (!currency) problems.push({ at: 'incomeCurrency', reason: 'is required with an income' });
    else if (!amount.ok) problems.push({ at: 'income', reason: amount.reason });
    else incomeMinor = amount.minor;
  }
  rejectIf('financials', problems);
  const clearing = input.income === null;
  const checked = checkFinancials(
    {
      employer: input.employer,
      occupation: input.occupation,
      incomeMinor,
      incomeCurrency: clearing ? null : input.incomeCurrency,
      incomePeriod: clearing ? null : input.incomePeriod,
    },
    current,
  );
  rejectIf('financials', checked.problems);
  const before = current ? (({ updatedAt: _a, updatedBy: _b, ...r }) => r)(current) : null;
  return deps.customers.saveFinancials(
    ref,
    checked.fields!,
    change(deps, actor, 'financials', null, before, checked.fields),
  );
}

export async function addTag(
  deps: CustomerDeps,
  ext: string,
  tag: unknown,
  actor: Actor,
): Promise<{ tag: string; added: boolean }> {
  editor(actor);
  const t = checkTag(tag);
  rejectIf('tag', t.problems);
  const ref = await refOf(deps, ext);
  const added = await deps.customers.addTag(
    ref,
    t.tag!,
    change(deps, actor, 'tag', t.tag!, null, { tag: t.tag }),
  );
  return { tag: t.tag!, added };
}

export async function removeTag(
  deps: CustomerDeps,
  ext: string,
  tag: string,
  actor: Actor,
): Promise<void> {
  editor(actor);
  const ref = await refOf(deps, ext);
  const t = tag.trim().toLowerCase();
  if (!(await deps.customers.removeTag(ref, t, change(deps, actor, 'tag', t, { tag: t }, null))))
    throw notFound(`tag ${t} of customer ${ext}`);
}

export async function addNote(
  deps: CustomerDeps,
  ext: string,
  input: { body?: unknown; account?: string | undefined },
  actor: Actor,
): Promise<Note> {
  editor(actor);
  rejectIf('note', checkNote(input.body));
  const ref = await refOf(deps, ext);
  let accountId: number | null = null;
  if (input.account !== undefined) {
    accountId = await deps.customers.accountOf(ref, input.account);
    if (accountId === null)
      throw invalid('the note is not valid', [
        { at: 'account', reason: `${input.account} is not an account of customer ${ext}` },
      ]);
  }
  const body = (input.body as string).trim();
  return deps.customers.addNote(
    ref,
    accountId,
    body,
    change(deps, actor, 'note', null, null, { body, account: input.account ?? null }),
  );
}

export async function removeNote(
  deps: CustomerDeps,
  ext: string,
  id: number,
  actor: Actor,
): Promise<void> {
  editor(actor);
  const ref = await refOf(deps, ext);
  const note = await deps.customers.note(ref, id);
  if (!note) throw notFound(`note ${id} of customer ${ext}`);
  await deps.customers.removeNote(
    ref,
    id,
    change(deps, actor, 'note', String(id), { body: note.body, account: note.account }, null),
  );
}
