/**
 * The shell around dispatch: the providers chosen from configuration, the worker that runs
 * dispatch jobs from the queue, and the replay of past days with a simulated clock (the demo's
 * history, where the sandbox stands in for the gateways).
 */
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import {
  DISPATCH_JOB,
  enqueueShards,
  prepareDay,
  processShard,
  type DispatchDeps,
} from '../app/dispatch/dispatcher.ts';
import type { ChannelProvider, MessageChannel } from '../app/dispatch/ports.ts';
import { expireTasks } from '../app/dispatch/tasks.ts';
import { simulateDesk, type DeskOptions } from '../app/dispatch/simulated-desk.ts';
import { MESSAGE_CHANNELS, dispatchWindow } from '../domain/dispatch/lifecycle.ts';
import type { LocalDate } from '../domain/time/date.ts';
import { addDays } from '../domain/time/date.ts';
import { KannelSmsProvider } from './channels/kannel.ts';
import { HttpJsonSmsProvider } from './channels/http-json-sms.ts';
import { PdfLetterProvider } from './channels/letters.ts';
import { SandboxProvider } from './channels/sandbox.ts';
import { SmtpEmailProvider } from './channels/smtp.ts';
import type { ChannelConfig } from './config.ts';
import { workspaceDeps, type Platform } from './platform.ts';
import { runWorker, type JobHandler } from './queue/pg-queue.ts';

export type Providers = Partial<Record<MessageChannel, ChannelProvider>>;

export function workerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/** The gateways in the configuration; the sandbox for a channel with none. */
export function buildProviders(
  p: Platform,
  c: ChannelConfig,
  opts: { sandbox?: boolean } = {},
): Providers {
  const providers: Providers = {};
  if (c.smtpUrl && !opts.sandbox) {
    const u = c.smtpUrl;
    providers.email = new SmtpEmailProvider({
      host: u.hostname,
      port: Number(u.port || (u.protocol === 'smtps:' ? 465 : 25)),
      secure: u.protocol === 'smtps:',
      ...(u.username
        ? { auth: { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) } }
        : {}),
      from: c.mailFrom,
      messageIdDomain: new URL(c.publicUrl).hostname || 'recoup.local',
      ...(c.smtpLookupUrl ? { lookupUrl: c.smtpLookupUrl.toString() } : {}),
    });
  } else providers.email = new SandboxProvider('email');
  if (c.kannelUrl && !opts.sandbox) {
    const u = new URL(c.kannelUrl);
    const username = decodeURIComponent(u.username || u.searchParams.get('username') || '');
    const password = decodeURIComponent(u.password || u.searchParams.get('password') || '');
    u.username = '';
    u.password = '';
    providers.sms = new KannelSmsProvider({
      sendsmsUrl: `${u.origin}${u.pathname}`,
      username,
      password,
      from: c.smsFrom,
      dlrUrl: (key: string) =>
        `${c.publicUrl}/api/channels/kannel/dlr?key=${encodeURIComponent(key)}&status=%d&at=%T&reply=%A`,
      dlrMask: 27,
      reportWithinMs: c.smsReportWithinMs,
    });
  } else if (c.smsApiUrl && c.smsApiToken && !opts.sandbox) {
    providers.sms = new HttpJsonSmsProvider({
      baseUrl: c.smsApiUrl.toString().replace(/\/$/, ''),
      token: c.smsApiToken,
      from: c.smsFrom,
    });
  } else providers.sms = new SandboxProvider('sms');
  // A simulated history keeps its letters' text; their PDFs are rendered when downloaded.
  providers.letter = opts.sandbox
    ? new SandboxProvider('letter')
    : new PdfLetterProvider(p.db, {
        sender: { name: c.companyName, address: ['Collections Department', '1 Recovery Way'] },
        now: () => p.clock.now(),
      });
  return providers;
}

export function dispatchDeps(
  p: Platform,
  providers: Providers,
  c: ChannelConfig,
  actor: string,
): DispatchDeps {
  return {
    store: p.dispatch,
    queue: p.jobs,
    providers,
    settings: { companyName: c.companyName, publicUrl: c.publicUrl, links: p.links },
    actor,
    workspace: workspaceDeps(p, c.companyName),
    channelSettings: () => p.channelSettings.read(),
    timezone: p.timezone,
  };
}

export async function closeProviders(providers: Providers): Promise<void> {
  await Promise.allSettled(Object.values(providers).map((x) => x?.close()));
}

/** Runs dispatch jobs until the signal aborts: the body of `recoup worker` and of `npm start`. */
export async function runDispatchWorker(
  deps: DispatchDeps,
  p: Platform,
  o: {
    worker: string;
    signal: AbortSignal;
    concurrency?: number;
    pollMs?: number;
    leaseMs?: number;
    onError?: (e: unknown, job: { id: number; kind: string; attempts: number }) => void;
    /** Other jobs the worker runs too (the cycle's partitions). */
    handlers?: Record<string, JobHandler>;
  },
): Promise<void> {
  await runWorker({
    queue: p.jobs,
    worker: o.worker,
    now: () => p.clock.now(),
    concurrency: o.concurrency ?? 2,
    pollMs: o.pollMs ?? 250,
    leaseMs: o.leaseMs ?? 15_000,
    signal: o.signal,
    onError: (job, e) => o.onError?.(e, { id: job.id, kind: job.kind, attempts: job.attempts }),
    handlers: {
      ...o.handlers,
      [DISPATCH_JOB]: async (job, ctx) => {
        const shard = Number(job.payload.shard);
        await processShard(deps, shard, {
          now: () => p.clock.now(),
          token: `${ctx.worker}:${job.id}:${randomBytes(4).toString('hex')}`,
          signal: ctx.signal,
          jitter: () => Math.random(),
        });
        // Work still waiting (retries, rescheduled messages) gets its next job.
        await enqueueShards(deps);
      },
    },
  });
}

/**
 * A past day's dispatch with a simulated clock: the day's actions are prepared, then every shard
 * is worked at each instant something is due, up to the end of the day; what is left expires.
 * Only for the sandbox (the demo's history): real gateways never send for a past day.
 */
export async function simulateDispatchDay(
  deps: DispatchDeps,
  p: Platform,
  day: LocalDate,
  zone: string,
  desk: DeskOptions = { callsPerDay: 30, seed: 'demo-desk' },
): Promise<{ sent: number; blocked: number; calls: number; visits: number }> {
  const start = dispatchWindow('sms', day, zone).slot;
  const dayStart = new Date(start.getTime() - 10 * 3_600_000);
  await prepareDay(deps, day, dayStart);
  const end = dispatchWindow('sms', addDays(day, 1), zone).slot;
  let sent = 0;
  let blocked = 0;
  for (let guard = 0; guard < 500; guard++) {
    const pending = await p.dispatch.pendingShards(MESSAGE_CHANNELS);
    const due = [...pending.values()].filter((t) => t < end);
    if (due.length === 0) break;
    const at = new Date(Math.min(...due.map((t) => t.getTime())));
    const r = await processShard(deps, 'all', { now: () => at, token: `replay:${day}:${guard}` });
    sent += r.sent;
    blocked += r.blocked;
  }
  const worked = await simulateDesk(
    { tasks: p.tasks, dispatch: p.dispatch, promises: p.promises, workspace: deps.workspace },
    day,
    desk,
    zone,
  );
  await expireTasks({ tasks: p.tasks, dispatch: p.dispatch }, end);
  // The day was worked here: the shard jobs its preparation queued have nothing left to do.
  await p.jobs.discardPending(DISPATCH_JOB, new Date());
  return { sent, blocked, calls: worked.calls, visits: worked.visits };
}
