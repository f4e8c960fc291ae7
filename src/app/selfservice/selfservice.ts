/**
 * The customer's self-service page, as use cases: issuing a signed, expiring link for an
 * account; opening it (refused when changed, expired or signed for something else); what the
 * page shows (what is owed and due, the plans the customer may choose alone, an open promise or
 * plan); and what the customer does there: promise to pay, choose a plan after seeing its
 * schedule, set contact preferences, state hardship or a dispute (a hold and a review task for
 * the collectors), say they are paying (an intent with a reference). Every form is done once per
 * request key; every use of a link is logged.
 */
import type { Actor, Role } from '../../domain/access/roles.ts';
import { maskName } from '../../domain/customers/masking.ts';
import { parseAmount } from '../../domain/money/currency.ts';
import type { PlanPolicy } from '../../domain/plans/policy.ts';
import {
  checkLink,
  parsePayloadText,
  type LinkPurpose,
  type LinkRefusal,
} from '../../domain/selfservice/link.ts';
import { signLink } from './links.ts';
import {
  candidateOptions,
  inconvenientOutside,
  optionTerms,
  paymentIntentIssues,
  selfServiceIssues,
  selfServiceLimits,
  statementIssues,
  type AccountPosition,
  type StatementKind,
} from '../../domain/selfservice/offer.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import { localDateOf } from '../../domain/time/zone.ts';
import { accountDetail, recordHold, type LedgerDeps } from '../ledger/ledger-service.ts';
import { previewPlan, proposePlan, type PlanDeps, type PlanPreview } from '../plans/plans.ts';
import { makePromise, type PromiseDeps } from '../promises/promises.ts';
import { AppError, invalid, type ErrorDetail } from '../shared/errors.ts';
import { addTask, type WorkspaceDeps } from '../workspace/workspace.ts';
import type { LinkSigner, PaymentIntent, PreferenceWriter, SelfServiceStore } from './ports.ts';

export interface SelfServiceDeps {
  signer: LinkSigner;
  store: SelfServiceStore;
  ledger: LedgerDeps;
  promises: PromiseDeps;
  plans: PlanDeps;
  workspace: WorkspaceDeps;
  preferences: PreferenceWriter;
  /** How long an issued link stays valid. */
  linkDays: number;
}

/** Who the customer is when the page records something for them. */
export const SELF_SERVICE_USER = 'self-service';

/** A link refused: the page says why and shows nothing of the account. */
export class LinkRefused extends Error {
  constructor(readonly reason: LinkRefusal) {
    super(
      reason === 'expired'
        ? 'the link has expired'
        : reason === 'purpose'
          ? 'the link is not for this page'
          : 'the link is not valid',
    );
    this.name = 'LinkRefused';
  }
}

const now = (deps: SelfServiceDeps) => deps.ledger.clock.now();

/** Issues a link for an account: the token (for `/s/<token>`) and when it expires. */
export async function issueLink(
  deps: SelfServiceDeps,
  account: string,
  o: { purpose?: LinkPurpose; days?: number } = {},
): Promise<{ token: string; expiresAt: string }> {
  const days = o.days ?? deps.linkDays;
  if (!Number.isInteger(days) || days < 1 || days > 366)
    throw invalid('the link is not valid', [{ at: 'days', reason: 'must be from 1 to 366' }]);
  await accountDetail(deps.ledger, account); // the account exists
  return signLink(deps.signer, account, o.purpose ?? 'self_service', now(deps), days);
}

/** The account a token opens the page of, or LinkRefused; each use is logged. */
export async function openLink(
  deps: SelfServiceDeps,
  token: string,
  action: string,
): Promise<string> {
  const text = deps.signer.open(token);
  const payload = text === null ? null : parsePayloadText(text);
  const c = checkLink(payload, 'self_service', now(deps));
  if (!c.ok) {
    // a link that is ours but expired or for something else names its account; a changed one not
    await deps.store.logUse({
      account: c.reason === 'invalid' ? null : payload!.account,
      action,
      outcome: `refused: ${c.reason}`,
      at: now(deps),
    });
    throw new LinkRefused(c.reason);
  }
  return c.payload.account;
}

export interface PlanOption {
  id: string;
  kind: 'instalment' | 'deferral';
  /** Instalments: how many payments; deferrals: the days the next due date moves. */
  count: number;
  days: number;
  firstDue: LocalDate;
  lastDue: LocalDate;
  /** The first payment and the others (they differ by the rounding). */
  firstMinor: number;
  otherMinor: number;
  totalMinor: number;
  feeMinor: number;
}

export interface PageView {
  /** The account's reference, masked to its last four characters. */
  accountRef: string;
  /** The customer's first name, masked as in lists (`Ann L***`, `王*`). */
  greeting: string;
  language: string;
  currency: string;
  outstandingMinor: number;
  arrearsMinor: number;
  /** What to pay now: the arrears, or the next instalment when nothing is overdue. */
  dueMinor: number;
  dueDate: LocalDate | null;
  pastDueDays: number;
  unpaid: { dueDate: LocalDate; unpaidMinor: number }[];
  onHold: boolean;
  openPromise: { amountMinor: number; promisedFor: LocalDate } | null;
  openPlan: { kind: string; status: string; nextDue: LocalDate | null; nextMinor: number } | null;
  options: PlanOption[];
  intents: PaymentIntent[];
  today: LocalDate;
}

/** The actor a plan chosen alone is proposed as: a role the policy lists (collector first). */
function planActor(policy: PlanPolicy): Actor | null {
  const roles = Object.keys(policy.limits) as Role[];
  const role = roles.includes('collector') ? 'collector' : roles[0];
  return role ? { user: SELF_SERVICE_USER, role } : null;
}

interface Position extends AccountPosition {
  openPlanId: number | null;
}

async function positionOf(deps: SelfServiceDeps, account: string) {
  const detail = await accountDetail(deps.ledger, account);
  const acc = (await deps.plans.plans.accounts([account])).get(account);
  const open = await deps.promises.promises.list({ account, status: 'open', limit: 1 });
  const live = detail.live;
  const position: Position = {
    arrearsMinor: live.arrears,
    nextDueDate: live.nextDueDate,
    hasOpenPlan: (acc?.openPlanId ?? null) !== null || open.length > 0,
    openPlanId: acc?.openPlanId ?? null,
  };
  return { detail, position, openPromise: open[0] ?? null };
}

/** Quotes an option for a customer acting alone; the preview, or what keeps it from them. */
async function quoteOption(
  deps: SelfServiceDeps,
  account: string,
  id: string,
  position: AccountPosition,
  today: LocalDate,
): Promise<{ preview?: PlanPreview; details: ErrorDetail[] }> {
  const terms = optionTerms(id, position, today);
  if (!terms) return { details: [{ at: 'option', reason: 'is not a plan this page offers' }] };
  const policy = await deps.plans.plans.policy();
  const limits = selfServiceLimits(policy);
  const actor = planActor(policy);
  if (!limits || !actor) return { details: [{ at: 'option', reason: 'no plans are offered' }] };
  try {
    const preview = await previewPlan(deps.plans, account, terms, actor);
    const issues = selfServiceIssues(preview, limits);
    if (preview.status !== 'active')
      issues.push({ at: 'option', reason: 'needs a review by our staff' });
    return issues.length > 0 ? { details: issues } : { preview, details: [] };
  } catch (e) {
    if (e instanceof AppError && e.code === 'VALIDATION') return { details: [...e.details] };
    throw e;
  }
}

function optionOf(id: string, p: PlanPreview): PlanOption {
  const pays = p.payments;
  const days = /^deferral-(\d+)$/.exec(id);
  return {
    id,
    kind: p.kind as 'instalment' | 'deferral',
    count: pays.length,
    days: days ? Number(days[1]) : 0,
    firstDue: pays[0]!.dueDate,
    lastDue: pays.at(-1)!.dueDate,
    firstMinor: pays[0]!.amountMinor,
    otherMinor: pays.at(-1)!.amountMinor,
    totalMinor: pays.reduce((n, x) => n + x.amountMinor, 0),
    feeMinor: p.feeMinor,
  };
}

/** What the page shows for the account of a token. */
export async function viewPage(deps: SelfServiceDeps, token: string): Promise<PageView> {
  const account = await openLink(deps, token, 'view');
  const { detail, position, openPromise } = await positionOf(deps, account);
  const customer = await deps.ledger.ledger.customer(detail.customerId);
  const today = localDateOf(now(deps), detail.timezone);
  const live = detail.live;
  const unpaid = live.instalments.filter((i) => i.fallenDue && i.unpaid > 0);
  const options: PlanOption[] = [];
  for (const id of candidateOptions(position, selfServiceLimits(await deps.plans.plans.policy()))) {
    const q = await quoteOption(deps, account, id, position, today);
    if (q.preview) options.push(optionOf(id, q.preview));
  }
  let openPlan: PageView['openPlan'] = null;
  if (position.openPlanId !== null) {
    const plan = await deps.plans.plans.get(position.openPlanId);
    if (plan) {
      const next = plan.payments.find((x) => x.dueDate >= today);
      openPlan = {
        kind: plan.kind,
        status: plan.status,
        nextDue: next?.dueDate ?? null,
        nextMinor: next?.amountMinor ?? 0,
      };
    }
  }
  await deps.store.logUse({ account, action: 'view', outcome: 'shown', at: now(deps) });
  return {
    accountRef: `****${account.slice(-4)}`,
    greeting: maskName(customer?.name ?? '').split(' ')[0] ?? '',
    language: customer?.language ?? 'en',
    currency: detail.currency,
    outstandingMinor: live.outstanding,
    arrearsMinor: live.arrears,
    dueMinor:
      live.arrears > 0
        ? live.arrears
        : (live.instalments.find((i) => !i.fallenDue && i.unpaid > 0)?.unpaid ?? 0),
    dueDate: live.overdueDueDate ?? live.nextDueDate,
    pastDueDays: live.pastDueDays,
    unpaid: unpaid.map((i) => ({ dueDate: i.dueDate, unpaidMinor: i.unpaid })),
    onHold: live.onHold,
    openPromise: openPromise
      ? { amountMinor: openPromise.amountMinor, promisedFor: openPromise.promisedFor }
      : null,
    openPlan,
    options,
    intents: await deps.store.intents(account, 5),
    today,
  };
}

/** The key of a page form's request, scoped to the account (keys of other accounts never meet). */
const scoped = (account: string, key: string) => `ss:${account}:${key}`;

function requestKey(key: string | undefined): string {
  if (!key || !/^[A-Za-z0-9_-]{8,64}$/.test(key))
    throw invalid('the form is not valid', [{ at: 'request', reason: 'is missing' }]);
  return key;
}

/** Runs a form's action once per request key: a repeat returns the first outcome. */
async function once<T>(
  deps: SelfServiceDeps,
  account: string,
  key: string,
  action: string,
  fn: () => Promise<T>,
): Promise<{ outcome: T; repeated: boolean }> {
  const k = scoped(account, requestKey(key));
  const c = await deps.store.claim(k, account, action, now(deps));
  if (!c.fresh) {
    // sent twice at once: the first is still being done
    if (c.outcome === null)
      throw new AppError('CONFLICT', 'the form is being sent: reload the page in a moment');
    return { outcome: c.outcome as T, repeated: true };
  }
  try {
    const outcome = await fn();
    await deps.store.settle(k, outcome);
    return { outcome, repeated: false };
  } catch (e) {
    await deps.store.release(k);
    throw e;
  }
}

/** A promise to pay made on the page (channel self_service). */
export async function promiseFromPage(
  deps: SelfServiceDeps,
  token: string,
  input: { amount: string; promisedFor: string; request: string },
) {
  const account = await openLink(deps, token, 'promise');
  const r = await makePromise(deps.promises, account, {
    amount: input.amount,
    promisedFor: input.promisedFor,
    channel: 'self_service',
    by: SELF_SERVICE_USER,
    requestKey: scoped(account, requestKey(input.request)),
  });
  await deps.store.logUse({
    account,
    action: 'promise',
    outcome: r.created ? `promise ${r.promise.id}` : 'repeated',
    at: now(deps),
  });
  return r;
}

/** The what-if of a plan option: its schedule, before the customer confirms it. */
export async function previewFromPage(
  deps: SelfServiceDeps,
  token: string,
  option: string,
): Promise<{ option: PlanOption; preview: PlanPreview; language: string }> {
  const account = await openLink(deps, token, 'plan preview');
  const { detail, position } = await positionOf(deps, account);
  if (position.hasOpenPlan)
    throw invalid('the plan is not valid', [
      { at: 'account', reason: 'already has a plan or a promise' },
    ]);
  const today = localDateOf(now(deps), detail.timezone);
  const q = await quoteOption(deps, account, option, position, today);
  if (!q.preview) throw invalid('the plan is not offered', q.details);
  const customer = await deps.ledger.ledger.customer(detail.customerId);
  return {
    option: optionOf(option, q.preview),
    preview: q.preview,
    language: customer?.language ?? 'en',
  };
}

/** A plan chosen on the page: checked again as a customer acting alone, then proposed. */
export async function choosePlanFromPage(
  deps: SelfServiceDeps,
  token: string,
  input: { option: string; request: string },
) {
  const account = await openLink(deps, token, 'plan');
  const key = scoped(account, requestKey(input.request));
  const seen = await deps.plans.plans.byRequestKey(key);
  if (seen) return { plan: seen, created: false };
  const { detail, position } = await positionOf(deps, account);
  const today = localDateOf(now(deps), detail.timezone);
  const q = await quoteOption(deps, account, input.option, position, today);
  if (!q.preview) throw invalid('the plan is not offered', q.details);
  const policy = await deps.plans.plans.policy();
  const r = await proposePlan(
    deps.plans,
    account,
    {
      ...optionTerms(input.option, position, today)!,
      requestKey: key,
      notes: 'chosen by the customer on the self-service page',
    },
    planActor(policy)!,
  );
  await deps.store.logUse({
    account,
    action: 'plan',
    outcome: r.created ? `plan ${r.plan.id}` : 'repeated',
    at: now(deps),
  });
  return r;
}

export interface PreferenceForm {
  /** Channels to stop: sms, email, letter, phone. */
  optOut: string[];
  /** Preferred hours, HH:MM (both or neither). */
  hoursFrom?: string | undefined;
  hoursTo?: string | undefined;
  request: string;
}

const OPT_OUT_CHANNELS = ['sms', 'email', 'letter', 'phone'];

/** Contact preferences from the page: opt-outs and the hours we may call (the rest noted as inconvenient). */
export async function preferencesFromPage(
  deps: SelfServiceDeps,
  token: string,
  form: PreferenceForm,
): Promise<{ outcome: { optedOut: string[]; inconvenient: string[] }; repeated: boolean }> {
  const account = await openLink(deps, token, 'preferences');
  const details: ErrorDetail[] = [];
  for (const c of form.optOut)
    if (!OPT_OUT_CHANNELS.includes(c))
      details.push({ at: 'optOut', reason: `"${c}" is not one of ${OPT_OUT_CHANNELS.join(', ')}` });
  let inconvenient: string[] = [];
  if (form.hoursFrom || form.hoursTo) {
    const h = inconvenientOutside(form.hoursFrom ?? '', form.hoursTo ?? '');
    if (h.ok) inconvenient = h.times;
    else details.push({ at: 'hours', reason: h.reason });
  }
  if (form.optOut.length === 0 && !form.hoursFrom && !form.hoursTo)
    details.push({ at: 'optOut', reason: 'choose a channel to stop or the hours we may call' });
  if (details.length > 0) throw invalid('the preferences are not valid', details);
  const detail = await accountDetail(deps.ledger, account);
  return once(deps, account, form.request, 'preferences', async () => {
    const at = now(deps).toISOString();
    const rows = [
      ...[...new Set(form.optOut)].map((channel) => ({ kind: 'opt_out', channel, value: null })),
      ...inconvenient.map((value) => ({ kind: 'inconvenient_time', channel: null, value })),
    ];
    for (const r of rows)
      await deps.preferences.addPreference(detail.customerId, {
        ...r,
        since: at,
        until: null,
        source: 'self-service page',
      });
    return { optedOut: [...new Set(form.optOut)], inconvenient };
  });
}

/** Hardship or a dispute stated on the page: a hold on the account and a review task for staff. */
export async function statementFromPage(
  deps: SelfServiceDeps,
  token: string,
  input: { kind: string; text: string; request: string },
): Promise<{ outcome: { kind: StatementKind; hold: boolean; task: number }; repeated: boolean }> {
  const account = await openLink(deps, token, 'statement');
  const issues = statementIssues(input.kind, input.text);
  if (issues.length > 0) throw invalid('the statement is not valid', issues);
  const kind = input.kind as StatementKind;
  const detail = await accountDetail(deps.ledger, account);
  const today = localDateOf(now(deps), detail.timezone);
  return once(deps, account, input.request, kind, async () => {
    let hold = true;
    try {
      await recordHold(deps.ledger, account, {
        kind,
        from: today,
        note: `stated by the customer: ${input.text.trim()}`,
      });
    } catch (e) {
      // a hold of this kind from today is already there: the review is still asked for
      if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
      hold = false;
    }
    const task = await addTask(
      deps.workspace,
      { user: SELF_SERVICE_USER, role: 'collector' },
      {
        account,
        reason: `${kind} stated by the customer on the self-service page: ${input.text.trim().slice(0, 300)}`,
      },
      'review',
      today,
      now(deps),
    );
    return { kind, hold, task };
  });
}

/** A payment the customer says they are making: recorded with the reference to pay under. */
export async function paymentIntentFromPage(
  deps: SelfServiceDeps,
  token: string,
  input: { amount: string; request: string },
): Promise<{ intent: PaymentIntent; created: boolean }> {
  const account = await openLink(deps, token, 'payment');
  const detail = await accountDetail(deps.ledger, account);
  const a = parseAmount(String(input.amount ?? ''), detail.currency);
  if (!a.ok) throw invalid('the payment is not valid', [{ at: 'amount', reason: a.reason }]);
  const issues = paymentIntentIssues(a.minor, detail.live.outstanding);
  if (issues.length > 0) throw invalid('the payment is not valid', issues);
  const r = await deps.store.recordIntent({
    account,
    amountMinor: a.minor,
    currency: detail.currency,
    requestKey: scoped(account, requestKey(input.request)),
    at: now(deps),
  });
  if (!r) throw invalid('the payment is not valid', [{ at: 'account', reason: 'not found' }]);
  await deps.store.logUse({
    account,
    action: 'payment',
    outcome: r.created ? `intent ${r.intent.reference}` : 'repeated',
    at: now(deps),
  });
  return r;
}
