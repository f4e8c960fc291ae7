/**
 * The ports of dispatch: the channel providers that carry a message to a customer, and the
 * store of dispatches, their transitions, compliance decisions and contact attempts.
 */

export type MessageChannel = 'sms' | 'email' | 'letter';

/** One message ready to leave, rendered in the customer's language. */
export interface OutboundMessage {
  /** The dispatch's idempotency key: the same key is never sent twice. */
  idempotencyKey: string;
  channel: MessageChannel;
  /** E.164 number for SMS, an address for e-mail, the postal address for a letter. */
  to: string;
  subject?: string;
  text: string;
  /** E-mails: the HTML part (values already escaped). */
  html?: string;
  language: string;
  /** Letters: the customer's name and the heading, for the document. */
  recipientName?: string;
  /** E-mails and letters: the itemised bill as a table, values formatted. */
  bill?: { columns: string[]; rows: string[][]; total: [string, string] };
  /** The date shown on a letter, formatted for the language. */
  dateText?: string;
  /** The account reference shown on a letter. */
  reference?: string;
  /** The link that opts the recipient out of this channel (e-mail: List-Unsubscribe). */
  optOutUrl?: string;
}

export type SendResult =
  | { status: 'sent'; providerMessageId?: string; detail?: string }
  | { status: 'temporary_failure'; reason: string }
  | { status: 'permanent_failure'; reason: string };

/**
 * A provider of one channel. `send` must call `handOver()` and wait for it right before the
 * step after which the provider holds the message (the final bytes of the SMTP DATA or of the
 * HTTP request). Until then a crash leaves nothing at the provider, so the message can be sent
 * again; after it the message is taken as accepted. If `handOver` rejects, `send` must abandon
 * the message without completing it.
 */
export interface ChannelProvider {
  readonly name: string;
  readonly channel: MessageChannel;
  send(message: OutboundMessage, handOver: () => Promise<void>): Promise<SendResult>;
  /** Where the provider can be asked what became of a message: by idempotency key. */
  lookup?(idempotencyKey: string): Promise<LookupResult>;
  /**
   * Where the provider confirms each message it takes with a report (Kannel's delivery reports):
   * a message handed over by a stopped worker with no report within this time was not taken
   * and is sent again.
   */
  readonly reportWithinMs?: number;
  close(): Promise<void>;
}

export type LookupResult =
  | { status: 'accepted'; providerMessageId?: string }
  | { status: 'not_found' }
  | { status: 'unknown' };

import type { Attempt, Outcome } from '../../domain/compliance/types.ts';
import type { ContactContext } from '../../domain/dispatch/contact-case.ts';
import type { DispatchChannel, DispatchState } from '../../domain/dispatch/lifecycle.ts';
import type { BillLine } from '../../domain/templates/templates.ts';
import type { MessageTemplate } from '../../domain/templates/templates.ts';
import type { LocalDate } from '../../domain/time/date.ts';

/** A dispatch as the dispatcher works with it, with what is needed to render its message. */
export interface DispatchRow {
  id: number;
  key: string;
  accountId: number;
  accountExt: string;
  customerId: number;
  customerExt: string;
  channel: DispatchChannel;
  template: string;
  purpose: 'collection' | 'required_notice' | 'optout_confirmation';
  plannedFor: LocalDate;
  priority: number;
  state: DispatchState;
  notBefore: Date | null;
  expiresAt: Date;
  attempts: number;
  onFail: { action: string; channel?: string; max_retries?: number } | null;
  stepId: string | null;
}

/** The figures a message is rendered from, as of the dispatch's day. */
export interface MessageData {
  customerName: string;
  language: string;
  currency: string;
  address: string | null;
  arrears: number;
  outstanding: number;
  pastDueDays: number;
  dueDate: LocalDate | null;
  nextDue: number;
  bill: BillLine[];
}

export interface Transition {
  id: number;
  from: DispatchState;
  to: DispatchState;
  at: Date;
  reason?: string | null;
  providerMessageId?: string | null;
  /** Applies only if the message was not handed over to the provider meanwhile. */
  unlessHandedOver?: boolean;
}

export interface DecisionRecord {
  dispatchId: number | null;
  taskId: number | null;
  customerId: number;
  channel: string;
  person: string;
  stage: 'plan' | 'send' | 'call' | 'visit' | 'manual';
  proposedAt: Date;
  ruleSet: string;
  ruleSetVersion: number;
  decision: 'ALLOW' | 'DENY';
  reasons: { rule: string; message: string }[];
  nextAllowed: Date | null;
  decidedBy: string;
}

export interface AttemptRecord {
  customerId: number;
  accountId: number | null;
  dispatchId: number | null;
  taskId: number | null;
  ts: Date;
  channel: DispatchChannel;
  direction: 'outbound' | 'inbound';
  outcome: Outcome;
  person: 'debtor' | 'third_party';
  address: string | null;
  byUser: string | null;
  notes?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** One dispatch's change, applied with others in one transaction. */
export interface DispatchUpdate {
  transitions: Transition[];
  /** Set with the last transition of each dispatch. */
  fields: Map<
    number,
    {
      notBefore?: Date | null;
      attempts?: number;
      nextAllowed?: Date | null;
      recipient?: string | null;
      language?: string;
      subject?: string | null;
      body?: string | null;
      provider?: string | null;
      providerMessageId?: string | null;
      claimToken?: string | null;
      sentAt?: Date | null;
      lastReason?: string | null;
    }
  >;
  decisions: DecisionRecord[];
  attempts: AttemptRecord[];
  /** Calls and visits that become tasks when they are queued. */
  tasks: { dispatchId: number; kind: 'call' | 'visit'; queue: string }[];
  /**
   * Daily limits on the messages this update claims for sending: of `ids` (in priority order),
   * only as many go `sending` as the channel has room for in the business day [from, to),
   * counted under a lock in the same transaction; the rest stay queued, untouched.
   */
  caps?: DailyCap[];
}

export interface DailyCap {
  channel: DispatchChannel;
  limit: number;
  from: Date;
  to: Date;
  ids: number[];
}

/** What a channel's daily limit holds back to the next business day. */
export interface HoldBack {
  /** `queued`: messages due by `dueBy`; `planned`: calls and visits before they become tasks. */
  state: 'queued' | 'planned';
  limits: { channel: DispatchChannel; limit: number }[];
  /** The business day: what went out in [from, to) counts. */
  from: Date;
  to: Date;
  /** The next business day: what has no room today is carried over to it. */
  next: LocalDate;
  shard?: number | undefined;
  /** Queued: due by then. */
  dueBy?: Date;
  /** The business day (its date). */
  day: LocalDate;
  /** Planned: the day being prepared; without it, those planned for `day` or before. */
  plannedFor?: LocalDate | undefined;
  at: Date;
}

export interface DispatchStore {
  /** Creates a dispatch for every planned action of `day` that has none; returns how many. */
  createForDay(day: LocalDate, at: Date): Promise<number>;
  /** Fallbacks and next-day retries (the steps' on_fail) for dispatches that could not be done. */
  createFollowUps(ids: number[], at: Date): Promise<number>;
  /** Dispatches of `shard` (or of every shard) in `state`, by id after `afterId`. */
  inState(
    state: DispatchState,
    opts: {
      shard?: number;
      day?: LocalDate;
      dueBy?: Date;
      afterId?: number;
      limit: number;
      channels?: readonly DispatchChannel[];
      /** Highest priority first (then the earliest due), rather than by id. */
      byPriority?: boolean;
    },
  ): Promise<DispatchRow[]>;
  /** Compliance contexts of customers, with the contact history since `since`. */
  contexts(customerIds: number[], since: Date): Promise<Map<number, ContactContext>>;
  messageData(dispatches: DispatchRow[]): Promise<Map<number, MessageData>>;
  /** Applies transitions, decisions, attempts and tasks in one transaction. Only transitions
   * whose dispatch is still in `from` apply; returns the ids that did. */
  apply(u: DispatchUpdate): Promise<Set<number>>;
  /** The point of no return: marks messages handed over, if this worker still holds them. */
  handOver(ids: number[], token: string, at: Date): Promise<Set<number>>;
  /** Dispatches left `sending` in a shard, with whether they were handed over. */
  leftSending(
    shard: number | 'all',
  ): Promise<(DispatchRow & { handedOverAt: Date | null; provider: string | null })[]>;
  /** Earliest not_before of queued message dispatches per shard. */
  pendingShards(channels: readonly DispatchChannel[]): Promise<Map<number, Date>>;
  /** Delivery reports in one transaction. */
  deliveryReports(
    reports: {
      key: string;
      status: 'accepted' | 'delivered' | 'failed';
      at: Date;
      reason: string;
    }[],
  ): Promise<boolean[]>;
  /** A delivery report: sent → delivered | failed, by idempotency key. */
  deliveryReport(
    key: string,
    status: 'accepted' | 'delivered' | 'failed',
    at: Date,
    reason: string,
  ): Promise<boolean>;
  /** Opts the recipient of a dispatch out of a channel (the link in a message). */
  optOutByKey(
    key: string,
    channel: string,
    at: Date,
    source: string,
  ): Promise<{
    customerId: number;
    value: string | null;
    accountRef: string;
    language: string;
  } | null>;
  /** Opts every customer with this number or address out of a channel (a STOP reply). */
  optOutAddress(channel: string, address: string, at: Date, source: string): Promise<number[]>;
  /**
   * Channels' daily limits, set-based: ranks the waiting dispatches of each limited channel by
   * priority across every shard, and carries over to the next business day those of `shard`
   * beyond what the channel has room for today. Returns the ids carried over.
   */
  holdBack(h: HoldBack): Promise<number[]>;
  /** Saved templates take the place of the catalogue's. */
  templates(): Promise<MessageTemplate[]>;
  saveTemplate(t: MessageTemplate, by: string): Promise<number>;
  /** Stores a letter's PDF. */
  saveLetter(dispatchId: number, pdf: Uint8Array, pages: number): Promise<void>;
}

/** The work queue the dispatcher's jobs run on. */
export interface JobQueue {
  enqueue(jobs: NewJob[]): Promise<number>;
}

export interface NewJob {
  kind: string;
  /** One pending job per key. */
  key?: string;
  /** Jobs of one group never run at the same time. */
  group?: string;
  payload?: Record<string, unknown>;
  runAt: Date;
  priority?: number;
  maxAttempts?: number;
}

export type { Attempt };

export interface TaskRow {
  id: number;
  /** The dispatch a strategy's call or visit came from; null for the workspace's own tasks. */
  dispatchId: number | null;
  source: string;
  /** A review is work for staff (a plan to approve, a hardship to look at), not a contact. */
  kind: 'call' | 'visit' | 'review';
  accountId: number;
  accountExt: string;
  customerId: number;
  customerExt: string;
  customerName: string;
  queue: string;
  priority: number;
  dueOn: LocalDate;
  state: 'open' | 'assigned' | 'in_progress' | 'done' | 'expired' | 'blocked' | 'unassigned';
  assignee: string | null;
  routeSeq: number | null;
  plannedArrival: number | null;
  reason: string | null;
  outcome: string | null;
  latitude: number | null;
  longitude: number | null;
  phone: string | null;
  address: string | null;
  language: string;
  timezone: string;
  startedAt: Date | null;
  territory?: string | null;
  /** Given to this collector by "next account" until `lockedUntil`. */
  lockedBy: string | null;
  lockedUntil: Date | null;
}

export interface FieldAgent {
  id: string;
  name: string;
  territory: string;
  capacity: number;
  baseLat: number;
  baseLon: number;
  radiusKm: number;
  shiftStart: number;
  shiftEnd: number;
  languages: string[];
}

export interface TaskStore {
  tasks(filter: {
    kind?: 'call' | 'visit' | 'review';
    state?: string;
    dueOn?: LocalDate;
    assignee?: string;
    customerId?: number;
    limit: number;
    afterId?: number;
  }): Promise<TaskRow[]>;
  task(id: number): Promise<TaskRow | null>;
  /** Moves a task (and its dispatch) on, if it is still in `from`. */
  setTask(
    id: number,
    from: TaskRow['state'][],
    to: TaskRow['state'],
    fields: {
      assignee?: string | null;
      routeSeq?: number | null;
      plannedArrival?: number | null;
      reason?: string | null;
      outcome?: string | null;
      outcomeAt?: Date | null;
      notes?: string | null;
      latitude?: number | null;
      longitude?: number | null;
      nextActionOn?: LocalDate | null;
    },
    at: Date,
  ): Promise<boolean>;
  assignMany(
    rows: {
      id: number;
      state: TaskRow['state'];
      assignee: string | null;
      routeSeq: number | null;
      plannedArrival: number | null;
      reason: string | null;
    }[],
    at: Date,
  ): Promise<void>;
  agents(): Promise<FieldAgent[]>;
  saveAgents(agents: FieldAgent[]): Promise<void>;
  /** Expires queued dispatches and open tasks whose time is up; returns the expired ids. */
  expireOverdue(now: Date): Promise<{ dispatches: number[]; tasks: number }>;
}
