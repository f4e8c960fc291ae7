/**
 * Dispatch: the planned actions of a day carried out through the channels, with the compliance
 * engine between the plan and the customer.
 *
 * - `prepareDay` turns a day's planned actions into dispatches and checks each against the
 *   rules for its first slot (the customer's local morning): allowed ones are queued (calls and
 *   visits become tasks), denied ones are blocked with the rules' reasons, and rescheduled to
 *   the next allowed time when the rules say when that is and it is still within the day.
 * - `processShard` is the job a worker runs for one shard of customers: it reconciles messages
 *   a stopped worker left `sending`, checks every due message again at the moment of sending
 *   against the history as it is then, renders it, sends it with the provider and records the
 *   result. No message can leave without an ALLOW decision stored beside it.
 *
 * Exactly-once: a message is marked `sending` with this worker's claim token before it is
 * sent; the provider calls `handOver` right before the last bytes that make it the provider's
 * (the end of the SMTP data, the end of the HTTP request) and that mark is committed first. A
 * message left `sending` without the mark never reached the provider and is sent again; one
 * with the mark is taken as sent, or asked of the provider where it can be asked.
 */
import { prepareQueues, type QueueStats, type WorkspaceDeps } from '../workspace/workspace.ts';
import {
  decideContact,
  attemptOf,
  type ContactContext,
  type ContactDecision,
} from '../../domain/dispatch/contact-case.ts';
import {
  businessDay,
  dailyLimits,
  DEFAULT_CHANNEL_SETTINGS,
  openChannels,
  type ChannelSettings,
} from '../../domain/channels/settings.ts';
import {
  DISPATCH_CHANNELS,
  MESSAGE_CHANNELS,
  nextRetry,
  type DispatchChannel,
  type RetryPolicy,
} from '../../domain/dispatch/lifecycle.ts';
import { DEFAULT_TEMPLATES } from '../../domain/templates/catalog.ts';
import {
  escapeHtml,
  formatDate,
  formatMoney,
  renderTemplate,
  templateValues,
  type MessageTemplate,
} from '../../domain/templates/templates.ts';
import type { LocalDate } from '../../domain/time/date.ts';
import type { LinkSigner } from '../selfservice/ports.ts';
import { signLink } from '../selfservice/links.ts';
import { GroupCommit } from '../shared/group-commit.ts';
import type {
  ChannelProvider,
  DecisionRecord,
  DispatchRow,
  DispatchStore,
  DispatchUpdate,
  JobQueue,
  MessageChannel,
  MessageData,
  OutboundMessage,
  SendResult,
} from './ports.ts';

export const DISPATCH_JOB = 'dispatch.shard';

export interface DispatchSettings {
  companyName: string;
  /** Base of the customer-facing links (payment, opt-out). */
  publicUrl: string;
  retry?: RetryPolicy;
  /**
   * Signs the self-service link of `{{payment_link}}` (`<publicUrl>/s/<token>`, valid `days`);
   * without it the link is the public site's address.
   */
  links?: { signer: LinkSigner; days: number } | undefined;
}

export interface DispatchDeps {
  store: DispatchStore;
  queue: JobQueue;
  providers: Partial<Record<MessageChannel, ChannelProvider>>;
  settings: DispatchSettings;
  /** Who decides (recorded with each decision), e.g. the worker's id. */
  actor: string;
  /** The collectors' queues, set once the day's calls are tasks. */
  workspace?: WorkspaceDeps | undefined;
  /**
   * The channels' settings (paused, daily limit), read at each run; without them every channel
   * is open and unlimited.
   */
  channelSettings?: (() => Promise<ChannelSettings>) | undefined;
  /** The business time zone: the day a daily limit counts in (default UTC). */
  timezone?: string | undefined;
}

/** What the plan-stage check needs. */
export type PlanCheckDeps = Pick<DispatchDeps, 'store' | 'actor' | 'channelSettings' | 'timezone'>;

/** Calls and visits: they go out by becoming tasks for people. */
const TASK_CHANNELS: readonly DispatchChannel[] = DISPATCH_CHANNELS.filter(
  (c) => !MESSAGE_CHANNELS.includes(c),
);

async function settingsOf(deps: Pick<DispatchDeps, 'channelSettings'>): Promise<ChannelSettings> {
  return (await deps.channelSettings?.()) ?? DEFAULT_CHANNEL_SETTINGS;
}

const HISTORY_MS = 9 * 86_400_000;
const PAGE = 2_000;

function emptyUpdate(): DispatchUpdate {
  return { transitions: [], fields: new Map(), decisions: [], attempts: [], tasks: [] };
}

function proposal(d: DispatchRow, ts: Date) {
  return { ts, channel: d.channel, debts: [d.accountExt], purpose: d.purpose };
}

/** Creates and plan-checks the dispatches of `day`; returns counts by outcome. */
export async function prepareDay(
  deps: DispatchDeps,
  day: LocalDate,
  now: Date,
): Promise<{
  created: number;
  queued: number;
  blocked: number;
  rescheduled: number;
  queues: QueueStats | null;
}> {
  const created = await deps.store.createForDay(day, now);
  const counts = { created, ...(await checkPlanned(deps, { day }, now)) };
  const queues = deps.workspace ? await prepareQueues(deps.workspace, { day }, now) : null;
  await enqueueShards(deps);
  return { ...counts, queues };
}

/**
 * The plan-stage check of planned dispatches (of a day, or of a shard: fallbacks and retries
 * created during the day), with follow-ups for those the rules block for good.
 */
export async function checkPlanned(
  deps: PlanCheckDeps,
  filter: { day?: LocalDate; shard?: number },
  now: Date,
): Promise<{ queued: number; blocked: number; rescheduled: number }> {
  const counts = { queued: 0, blocked: 0, rescheduled: 0 };
  // Calls and visits of a paused channel stay planned: no task is made until it is resumed.
  // Messages are checked and queued as ever; a paused channel's wait in the queue.
  const settings = await settingsOf(deps);
  const channels = DISPATCH_CHANNELS.filter(
    (c) => MESSAGE_CHANNELS.includes(c) || !settings[c].paused,
  );
  // A daily limit on calls or visits: the first by priority become tasks today, the rest are
  // planned for the next day.
  const limits = dailyLimits(settings, TASK_CHANNELS);
  const today = businessDay(now, deps.timezone ?? 'UTC');
  if (limits.length > 0)
    await deps.store.holdBack({
      state: 'planned',
      limits,
      ...today,
      shard: filter.shard,
      plannedFor: filter.day,
      at: now,
    });
  const limited = new Set(limits.map((l) => l.channel));
  let afterId = 0;
  for (;;) {
    const rows = await deps.store.inState('planned', {
      ...filter,
      afterId,
      limit: PAGE,
      ...(channels.length < DISPATCH_CHANNELS.length ? { channels } : {}),
    });
    if (rows.length === 0) break;
    afterId = rows[rows.length - 1]!.id;
    const contexts = await deps.store.contexts(
      rows.map((r) => r.customerId),
      new Date(now.getTime() - HISTORY_MS),
    );
    const u = emptyUpdate();
    for (const d of rows) {
      // Carried over to a later day by the channel's limit: checked when that day comes.
      if (filter.day === undefined && limited.has(d.channel) && d.plannedFor > today.day) continue;
      const ctx = contexts.get(d.customerId);
      const ts = new Date(Math.max(now.getTime(), d.notBefore?.getTime() ?? now.getTime()));
      if (!ctx || ts >= d.expiresAt) {
        u.transitions.push({
          id: d.id,
          from: 'planned',
          to: 'expired',
          at: now,
          reason: 'its day is over',
        });
        continue;
      }
      const decision = decideContact(ctx, proposal(d, ts));
      u.decisions.push(
        decisionRecord(
          { dispatchId: d.id, taskId: null, customerId: d.customerId, channel: d.channel },
          'plan',
          ts,
          decision,
          deps.actor,
        ),
      );
      if (decision.decision === 'ALLOW') {
        u.transitions.push(
          {
            id: d.id,
            from: 'planned',
            to: 'checked',
            at: now,
            reason: `allowed under ${decision.ruleSet}`,
          },
          {
            id: d.id,
            from: 'checked',
            to: 'queued',
            at: now,
            reason: `first try at ${ts.toISOString()}`,
          },
        );
        u.fields.set(d.id, { notBefore: ts });
        taskFor(u, d);
        counts.queued++;
        continue;
      }
      if (blockOrReschedule(u, d, 'planned', decision, now) === 'rescheduled') {
        taskFor(u, d);
        counts.rescheduled++;
      } else counts.blocked++;
    }
    const applied = await deps.store.apply(u);
    await followUps(deps, u, applied, now);
  }
  return counts;
}

/** Follow-ups (the step's on_fail) for the dispatches an update left blocked, failed or expired. */
async function followUps(
  deps: Pick<DispatchDeps, 'store'>,
  u: DispatchUpdate,
  applied: Set<number>,
  now: Date,
) {
  const last = new Map<number, string>();
  for (const t of u.transitions) last.set(t.id, t.to);
  const ids = [...last]
    .filter(
      ([id, to]) => applied.has(id) && (to === 'blocked' || to === 'failed' || to === 'expired'),
    )
    .map(([id]) => id);
  if (ids.length > 0) await deps.store.createFollowUps(ids, now);
}

/** The stored form of a decision: what was proposed, when, under which rules, by whom. */
export function decisionRecord(
  of: Pick<DecisionRecord, 'dispatchId' | 'taskId' | 'customerId' | 'channel'>,
  stage: DecisionRecord['stage'],
  proposedAt: Date,
  d: ContactDecision,
  by: string,
): DecisionRecord {
  return {
    ...of,
    person: 'debtor',
    stage,
    proposedAt,
    ruleSet: d.ruleSet,
    ruleSetVersion: d.ruleSetVersion,
    decision: d.decision,
    reasons: d.reasons,
    nextAllowed: d.nextAllowed ? new Date(d.nextAllowed) : null,
    decidedBy: by,
  };
}

/**
 * A denied contact is blocked with the rules' reasons, and queued again for the next allowed
 * time when the rules say when that is and it is still within the dispatch's day.
 */
function blockOrReschedule(
  u: DispatchUpdate,
  d: DispatchRow,
  from: 'planned' | 'queued',
  decision: ContactDecision,
  now: Date,
): 'blocked' | 'rescheduled' {
  const why = decision.reasons.map((r) => `${r.rule}: ${r.message}`).join('; ');
  u.transitions.push({ id: d.id, from, to: 'blocked', at: now, reason: why });
  const next = decision.nextAllowed ? new Date(decision.nextAllowed) : null;
  if (next && next < d.expiresAt) {
    u.transitions.push({
      id: d.id,
      from: 'blocked',
      to: 'queued',
      at: now,
      reason: `rescheduled to ${next.toISOString()}, the next time the rules allow`,
    });
    u.fields.set(d.id, { notBefore: next, nextAllowed: next });
    return 'rescheduled';
  }
  u.fields.set(d.id, { nextAllowed: next });
  return 'blocked';
}

function taskFor(u: DispatchUpdate, d: DispatchRow): void {
  if (d.channel === 'phone')
    u.tasks.push({ dispatchId: d.id, kind: 'call', queue: `calls:${d.stepId ?? d.template}` });
  if (d.channel === 'field_visit')
    u.tasks.push({ dispatchId: d.id, kind: 'visit', queue: 'field' });
}

/**
 * Enqueues a job for every shard with messages waiting, due when the first of them is. Messages
 * of a paused channel are not waiting for a worker: they get a job when it is resumed.
 */
export async function enqueueShards(
  deps: Pick<DispatchDeps, 'store' | 'queue' | 'channelSettings'>,
): Promise<number> {
  const channels = openChannels(await settingsOf(deps), MESSAGE_CHANNELS);
  if (channels.length === 0) return 0;
  const shards = await deps.store.pendingShards(channels);
  return deps.queue.enqueue(
    [...shards].map(([shard, next]) => ({
      kind: DISPATCH_JOB,
      key: `dispatch:${shard}`,
      group: `dispatch:${shard}`,
      payload: { shard },
      runAt: next,
      maxAttempts: 1_000,
    })),
  );
}

/** Picks a template: a saved one over the catalogue's, the customer's language over English. */
export function pickTemplate(
  templates: readonly MessageTemplate[],
  id: string,
  channel: MessageChannel,
  language: string,
): MessageTemplate | undefined {
  const candidates = templates.filter((t) => t.id === id && t.channel === channel);
  return (
    candidates.find((t) => t.language === language) ??
    candidates.find((t) => language.startsWith(t.language.slice(0, 2))) ??
    candidates.find((t) => t.language === 'en')
  );
}

const zh = (language: string) => language.startsWith('zh');

/** The message of a dispatch, rendered from the account's figures in the customer's language. */
export function renderMessage(
  d: DispatchRow,
  data: MessageData,
  templates: readonly MessageTemplate[],
  settings: DispatchSettings,
  now: Date,
): OutboundMessage | string {
  const channel = d.channel as MessageChannel;
  const template = pickTemplate(templates, d.template, channel, data.language);
  if (!template) return `no ${channel} template "${d.template}"`;
  if (!data.address)
    return `the customer has no ${channel === 'letter' ? 'postal address' : channel === 'email' ? 'e-mail address' : 'phone number'}`;
  const amountDue = data.arrears > 0 ? data.arrears : data.nextDue;
  const optOutUrl = `${settings.publicUrl}/preferences/${encodeURIComponent(d.key)}?channel=${channel}`;
  const values = templateValues({
    customerName: data.customerName,
    companyName: settings.companyName,
    accountId: d.accountExt,
    currency: data.currency,
    language: data.language,
    amountDue,
    outstanding: data.outstanding,
    dueDate: data.dueDate,
    daysPastDue: data.pastDueDays,
    paymentReference: d.accountExt,
    paymentLink: settings.links
      ? `${settings.publicUrl}/s/${signLink(settings.links.signer, d.accountExt, 'self_service', now, settings.links.days).token}`
      : settings.publicUrl,
    optOutLink: optOutUrl,
    bill: data.bill,
  });
  const r = renderTemplate(template, values);
  const m = (v: number) => formatMoney(v, data.currency, data.language);
  const msg: OutboundMessage = {
    idempotencyKey: d.key,
    channel,
    to: data.address,
    text: r.text,
    language: data.language,
    recipientName: data.customerName,
    reference: d.accountExt,
    dateText: formatDate(d.plannedFor, data.language),
    optOutUrl,
  };
  if (r.subject !== undefined) msg.subject = r.subject;
  if (r.html !== undefined) msg.html = r.html;
  if (channel !== 'sms' && data.bill.length > 0) {
    const bill = {
      columns: zh(data.language)
        ? ['期数', '到期日', '本金', '利息', '费用', '未还']
        : ['#', 'Due date', 'Principal', 'Interest', 'Fees', 'Unpaid'],
      rows: data.bill.map((b) => [
        String(b.seq),
        formatDate(b.dueDate, data.language),
        m(b.principal),
        m(b.interest),
        m(b.fees),
        m(b.unpaid),
      ]),
      total: [
        zh(data.language) ? '合计应还' : 'Total due',
        m(data.bill.reduce((n, b) => n + b.unpaid, 0)),
      ] as [string, string],
    };
    msg.bill = bill;
    // In the HTML part the bill is a table.
    const asHtml = escapeHtml(values.itemised_bill).replaceAll('\n', '<br>');
    if (msg.html?.includes(asHtml))
      msg.html = msg.html
        .replace(`<p>${asHtml}</p>`, billTable(bill))
        .replace(asHtml, billTable(bill));
  }
  return msg;
}

function billTable(b: { columns: string[]; rows: string[][]; total: [string, string] }): string {
  const cell = (tag: string, v: string, i: number) =>
    `<${tag} style="padding:4px 8px;border-bottom:1px solid #ddd;text-align:${i >= 2 ? 'right' : 'left'}">${escapeHtml(v)}</${tag}>`;
  return [
    '<table style="border-collapse:collapse">',
    `<thead><tr>${b.columns.map((c, i) => cell('th', c, i)).join('')}</tr></thead>`,
    '<tbody>',
    ...b.rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, i)).join('')}</tr>`),
    '</tbody>',
    `<tfoot><tr><th colspan="${b.columns.length - 1}" style="padding:4px 8px;text-align:right">${escapeHtml(b.total[0])}</th><th style="padding:4px 8px;text-align:right">${escapeHtml(b.total[1])}</th></tr></tfoot>`,
    '</table>',
  ].join('\n');
}

/** Group commit of hand-overs: every hand-over asked within a few milliseconds is one UPDATE. */
function handOvers(store: DispatchStore, token: string, now: () => Date) {
  const batch = new GroupCommit<number, boolean>(async (ids) => {
    const held = await store.handOver(ids, token, now());
    return ids.map((id) => held.has(id));
  }, 2);
  return async (id: number): Promise<void> => {
    if (!(await batch.add(id))) throw new Error('this worker no longer holds the message');
  };
}

export interface ShardOptions {
  now: () => Date;
  /** A token unique to this run of the shard (claims are fenced by it). */
  token: string;
  batch?: number;
  /** Messages in flight at once. */
  concurrency?: number;
  signal?: AbortSignal;
  /** Spreads retries; in [0, 1). */
  jitter?: () => number;
}

export interface ShardResult {
  reconciled: number;
  sent: number;
  blocked: number;
  rescheduled: number;
  retried: number;
  failed: number;
  expired: number;
}

/**
 * Reconciles, checks and sends every due message of one shard (or of all shards at once, where
 * one process does all the work: the simulated replay of past days).
 */
export async function processShard(
  deps: DispatchDeps,
  shard: number | 'all',
  o: ShardOptions,
): Promise<ShardResult> {
  const res: ShardResult = {
    reconciled: 0,
    sent: 0,
    blocked: 0,
    rescheduled: 0,
    retried: 0,
    failed: 0,
    expired: 0,
  };
  res.reconciled = await reconcile(deps, shard, o.now());
  // Fallbacks and retries created since the day was prepared.
  await checkPlanned(deps, shard === 'all' ? {} : { shard }, o.now());
  const templates = [...(await deps.store.templates()), ...DEFAULT_TEMPLATES];
  const handOver = handOvers(deps.store, o.token, o.now);
  const batch = o.batch ?? 500;
  // A paused channel's messages stay queued; a limited channel's go highest priority first, as
  // many as it has room for today, and the rest wait for the next business day.
  const settings = await settingsOf(deps);
  const channels = openChannels(settings, MESSAGE_CHANNELS);
  const limits = dailyLimits(settings, MESSAGE_CHANNELS);
  for (;;) {
    if (o.signal?.aborted || channels.length === 0) break;
    const now = o.now();
    const today = businessDay(now, deps.timezone ?? 'UTC');
    if (limits.length > 0)
      await deps.store.holdBack({
        state: 'queued',
        limits,
        ...today,
        shard: shard === 'all' ? undefined : shard,
        dueBy: now,
        at: now,
      });
    const rows = await deps.store.inState('queued', {
      ...(shard === 'all' ? {} : { shard }),
      dueBy: now,
      limit: batch,
      channels,
      byPriority: limits.length > 0,
    });
    if (rows.length === 0) break;
    const contexts = await deps.store.contexts(
      rows.map((r) => r.customerId),
      new Date(now.getTime() - HISTORY_MS),
    );
    const data = await deps.store.messageData(rows);
    const claim = emptyUpdate();
    const outgoing: {
      d: DispatchRow;
      msg: OutboundMessage;
      provider: ChannelProvider;
      ctx: ContactContext;
    }[] = [];
    for (const d of rows) {
      const ctx = contexts.get(d.customerId);
      if (!ctx || now >= d.expiresAt) {
        claim.transitions.push({
          id: d.id,
          from: 'queued',
          to: 'expired',
          at: now,
          reason: 'not sent within its day',
        });
        res.expired++;
        continue;
      }
      const p = proposal(d, now);
      const decision = decideContact(ctx, p);
      claim.decisions.push(
        decisionRecord(
          { dispatchId: d.id, taskId: null, customerId: d.customerId, channel: d.channel },
          'send',
          now,
          decision,
          deps.actor,
        ),
      );
      if (decision.decision === 'DENY') {
        if (blockOrReschedule(claim, d, 'queued', decision, now) === 'rescheduled')
          res.rescheduled++;
        else res.blocked++;
        continue;
      }
      const provider = deps.providers[d.channel as MessageChannel];
      const rendered = data.get(d.id)
        ? renderMessage(d, data.get(d.id)!, templates, deps.settings, now)
        : 'no account data';
      if (!provider || typeof rendered === 'string') {
        const reason: string = !provider
          ? `no ${d.channel} provider is configured`
          : (rendered as string);
        claim.transitions.push({ id: d.id, from: 'queued', to: 'failed', at: now, reason });
        res.failed++;
        continue;
      }
      claim.transitions.push({
        id: d.id,
        from: 'queued',
        to: 'sending',
        at: now,
        reason: `to ${provider.name}`,
      });
      claim.fields.set(d.id, {
        claimToken: o.token,
        recipient: rendered.to,
        language: rendered.language,
        subject: rendered.subject ?? null,
        body: rendered.text,
        provider: provider.name,
      });
      // Later messages of this batch to the same customer see this one in the history.
      ctx.history.push(attemptOf(p, ctx, 'sent'));
      outgoing.push({ d, msg: rendered, provider, ctx });
    }
    if (limits.length > 0) {
      const claiming = new Set(outgoing.map((x) => x.d.id));
      claim.caps = limits.map((l) => ({
        ...l,
        from: today.from,
        to: today.to,
        ids: rows.filter((d) => d.channel === l.channel && claiming.has(d.id)).map((d) => d.id),
      }));
    }
    const claimed = await deps.store.apply(claim);
    await followUps(deps, claim, claimed, now);
    const toSend = outgoing.filter((x) => claimed.has(x.d.id));
    // Each provider has lanes of its own, so a slow gateway does not hold up the others.
    const results = new Array<SendResult | Error>(toSend.length);
    const byProvider = new Map<ChannelProvider, number[]>();
    toSend.forEach((x, i) =>
      byProvider.set(x.provider, [...(byProvider.get(x.provider) ?? []), i]),
    );
    await Promise.all(
      [...byProvider].map(async ([provider, idx]) => {
        const r = await sendAll(idx, o.concurrency ?? 16, (i) =>
          provider.send(toSend[i]!.msg, () => handOver(toSend[i]!.d.id)),
        );
        idx.forEach((i, k) => (results[i] = r[k]!));
      }),
    );
    const done = emptyUpdate();
    const at = o.now();
    for (const [i, x] of toSend.entries()) {
      recordResult(
        done,
        x.d,
        results[i]!,
        at,
        now,
        deps.settings.retry,
        o.jitter?.() ?? 0,
        res,
        x.provider.name,
      );
    }
    await followUps(deps, done, await deps.store.apply(done), at);
  }
  return res;
}

function recordResult(
  u: DispatchUpdate,
  d: DispatchRow,
  r: SendResult | Error,
  at: Date,
  decidedAt: Date,
  retry: RetryPolicy | undefined,
  jitter: number,
  res: ShardResult,
  provider: string,
): void {
  if (!(r instanceof Error) && r.status === 'sent') {
    u.transitions.push({
      id: d.id,
      from: 'sending',
      to: 'sent',
      at,
      reason: r.detail ?? `accepted by ${provider}`,
      providerMessageId: r.providerMessageId ?? null,
    });
    u.fields.set(d.id, {
      sentAt: at,
      providerMessageId: r.providerMessageId ?? null,
      claimToken: null,
    });
    u.attempts.push({
      customerId: d.customerId,
      accountId: d.accountId,
      dispatchId: d.id,
      taskId: null,
      // The contact's time is when it was allowed and handed over.
      ts: decidedAt,
      channel: d.channel,
      direction: 'outbound',
      outcome: 'sent',
      person: 'debtor',
      address: null,
      byUser: null,
    });
    res.sent++;
    return;
  }
  const reason = r instanceof Error ? r.message : r.reason;
  const attempts = d.attempts + 1;
  const next =
    r instanceof Error || r.status === 'temporary_failure'
      ? nextRetry(attempts, at, retry, jitter)
      : null;
  if (next && next < d.expiresAt) {
    u.transitions.push({
      id: d.id,
      from: 'sending',
      to: 'queued',
      at,
      reason: `temporary failure, retry at ${next.toISOString()}: ${reason}`,
      unlessHandedOver: r instanceof Error,
    });
    u.fields.set(d.id, { attempts, notBefore: next, claimToken: null, lastReason: reason });
    res.retried++;
  } else {
    const why =
      !(r instanceof Error) && r.status === 'permanent_failure'
        ? `permanent failure: ${reason}`
        : `out of retries after ${attempts} attempts: ${reason}`;
    u.transitions.push({
      id: d.id,
      from: 'sending',
      to: 'failed',
      at,
      reason: why,
      unlessHandedOver: r instanceof Error,
    });
    u.fields.set(d.id, { attempts, claimToken: null });
    res.failed++;
  }
}

async function sendAll<T>(
  items: T[],
  concurrency: number,
  send: (x: T) => Promise<SendResult>,
): Promise<(SendResult | Error)[]> {
  const out: (SendResult | Error)[] = new Array(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      try {
        out[i] = await send(items[i]!);
      } catch (e) {
        out[i] = e instanceof Error ? e : new Error(String(e));
      }
    }
  });
  await Promise.all(lanes);
  return out;
}

/**
 * Messages a stopped worker left `sending`. Not handed over: the provider never got them, so
 * they are sent again. Handed over: asked of the provider where it can be asked; where it
 * confirms what it takes with reports (Kannel), sent again only if no report came within its
 * time; otherwise taken as accepted (a message is never sent twice).
 */
async function reconcile(deps: DispatchDeps, shard: number | 'all', now: Date): Promise<number> {
  const left = await deps.store.leftSending(shard);
  if (left.length === 0) return 0;
  const u = emptyUpdate();
  for (const d of left) {
    const provider = Object.values(deps.providers).find((p) => p?.name === d.provider);
    let has: boolean | null = null;
    let why = '';
    if (provider?.lookup) {
      const r = await provider.lookup(d.key).catch(() => ({ status: 'unknown' as const }));
      if (r.status === 'accepted') {
        has = true;
        why = `the provider ${d.provider} reports it has the message`;
      } else if (r.status === 'not_found') {
        has = false;
        why = `the provider ${d.provider} does not have the message; it is sent again`;
      }
    }
    if (has === null && d.handedOverAt && provider?.reportWithinMs !== undefined) {
      // Its report would have come by now had the provider taken it.
      if (now.getTime() - d.handedOverAt.getTime() < provider.reportWithinMs) continue;
      has = false;
      why = `no report from ${d.provider} within ${provider.reportWithinMs / 1000} s of the hand-over; it is sent again`;
    }
    if (has === null) {
      has = d.handedOverAt !== null;
      why = has
        ? 'handed over to the provider before the worker stopped; taken as accepted'
        : 'the worker stopped before handing the message over; it is sent again';
    }
    if (has) {
      u.transitions.push({ id: d.id, from: 'sending', to: 'sent', at: now, reason: why });
      u.fields.set(d.id, { sentAt: d.handedOverAt ?? now, claimToken: null });
      u.attempts.push({
        customerId: d.customerId,
        accountId: d.accountId,
        dispatchId: d.id,
        taskId: null,
        ts: d.handedOverAt ?? now,
        channel: d.channel,
        direction: 'outbound',
        outcome: 'sent',
        person: 'debtor',
        address: null,
        byUser: null,
      });
    } else {
      u.transitions.push({
        id: d.id,
        from: 'sending',
        to: 'queued',
        at: now,
        reason: why,
        // Without the provider's word, only what was never handed over is sent again.
        unlessHandedOver: d.handedOverAt === null,
      });
      u.fields.set(d.id, { claimToken: null });
    }
  }
  const applied = await deps.store.apply(u);
  return applied.size;
}

/** Every shard, once: for the embedded engine's in-process catch-up and for tests. */
export function processAllShards(
  deps: DispatchDeps,
  o: Omit<ShardOptions, 'token'> & { token: (shard: number) => string },
): Promise<ShardResult> {
  return processShard(deps, 'all', { ...o, token: o.token(-1) });
}

export type { DispatchChannel };
