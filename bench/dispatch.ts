/**
 * `npm run bench:dispatch -- --messages 10000 [--workers 1] [--engine postgres|pglite]`:
 * dispatch throughput with compliance on. Queues N e-mails and N SMS (each checked against
 * the rules at the moment of sending, rendered from the account's figures), then lets
 * `recoup worker` send them to a local SMTP server (its own process) and to Kannel (bearerbox,
 * smsbox, fakesmsc), with `recoup serve` taking the delivery reports. Reports messages per
 * second per channel: e-mail alone, SMS alone, and both at once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { importFolder } from '../src/adapters/cli/commands.ts';
import type { Platform } from '../src/adapters/platform.ts';
import { startKannel } from '../test/support/kannel.ts';
import { freshPlatform, PG_URL, portfolioFolder, record, type EngineName } from './lib.ts';

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const N = Number(arg('messages', '10000'));
const WORKERS = Number(arg('workers', '1'));
const engine = arg('engine', 'postgres') as EngineName;
if (engine !== 'postgres')
  throw new Error('bench:dispatch runs worker processes: --engine postgres');

const schema = 'bench_dispatch';
const p: Platform = await freshPlatform(engine, schema);
const folder = await portfolioFolder(3 * N + 2_000);
process.stderr.write('importing the portfolio\n');
const report = await importFolder(p, folder, {});
if (report.status !== 'imported') throw new Error('import failed');

// Every customer where it is now early afternoon, so the rules allow each message: the rules
// are still checked for every one (hours, holidays, opt-outs, holds, counts).
const h = new Date().getUTCHours();
const offset = ((13 - h + 36) % 24) - 12;
const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
await p.db.exec('DELETE FROM contact_calendar; DELETE FROM holds;');
await p.db.query(
  `UPDATE customers SET timezone = $1, jurisdiction = 'US-NY',
     phone = coalesce(phone, '+1212555' || lpad((id % 10000)::text, 4, '0')),
     email = coalesce(email, 'c' || id || '@example.com')`,
  [zone],
);

// The SMTP server in a process of its own, counting what it receives.
const smtp = spawn(process.execPath, ['--import', 'tsx', 'test/support/smtp.ts'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
let smtpPort = 0;
let mails = 0;
await new Promise<void>((resolve) => {
  createInterface({ input: smtp.stdout! }).on('line', (line) => {
    const x = JSON.parse(line) as { port?: number };
    if (x.port !== undefined && smtpPort === 0) {
      smtpPort = x.port;
      resolve();
    } else mails++;
  });
});
const kannel = await startKannel({ logLevel: 3 });
const kurl = new URL(kannel.sendsmsUrl);
kurl.username = kannel.username;
kurl.password = kannel.password;
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATABASE_URL: PG_URL,
  RECOUP_SCHEMA: schema,
  RECOUP_SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
  RECOUP_KANNEL_URL: kurl.toString(),
};
const api = spawn(process.execPath, ['bin/recoup.mjs', 'serve'], {
  env: { ...env, PORT: '0', HOST: '127.0.0.1' },
  stdio: ['ignore', 'pipe', 'inherit'],
});
env.RECOUP_PUBLIC_URL = await new Promise<string>((resolve) => {
  createInterface({ input: api.stdout! }).on('line', (line) => {
    const m = /running at (http:\/\/localhost:\d+)/.exec(line);
    if (m) resolve(m[1]!.replace('localhost', '127.0.0.1'));
  });
});

let offsetAccounts = 0;
async function queue(channels: ('sms' | 'email')[], phase: string): Promise<number> {
  const made = await p.db.query(
    `INSERT INTO dispatches (idempotency_key, account_id, customer_id, channel, template,
       planned_for, priority, shard, state, not_before, expires_at)
     SELECT $3 || '/' || a.external_id || '/' || ch.channel, a.id, a.customer_id, ch.channel,
            ch.template, current_date, 50, (a.customer_id % 32)::int, 'queued',
            now() - interval '1 minute', now() + interval '1 day'
     FROM (SELECT * FROM accounts ORDER BY id OFFSET $4 LIMIT $1) a
     CROSS JOIN (VALUES ('sms', 'overdue_notice_1'), ('email', 'overdue_itemised_bill')) ch(channel, template)
     WHERE ch.channel = ANY($2::text[])`,
    [N / channels.length, channels, phase, offsetAccounts],
  );
  offsetAccounts += N;
  await p.db.exec('ANALYZE dispatches');
  return made.rowCount;
}

async function phase(name: string, channels: ('sms' | 'email')[]) {
  const n = await queue(channels, name);
  const mails0 = mails;
  const sms0 = kannel.received().length;
  const t0 = performance.now();
  const firstDone: Record<string, number> = {};
  const workers: ChildProcess[] = Array.from({ length: WORKERS }, () =>
    spawn(
      process.execPath,
      ['bin/recoup.mjs', 'worker', '--concurrency', '4', '--exit-when-idle'],
      {
        env,
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    ),
  );
  const want = {
    email: channels.includes('email') ? n / channels.length : 0,
    sms: channels.includes('sms') ? n / channels.length : 0,
  };
  while (
    (mails - mails0 < want.email || kannel.received().length - sms0 < want.sms) &&
    performance.now() - t0 < 600_000
  ) {
    if (!firstDone.email && mails - mails0 >= want.email) firstDone.email = performance.now() - t0;
    if (!firstDone.sms && kannel.received().length - sms0 >= want.sms)
      firstDone.sms = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 10));
  }
  const seconds = (performance.now() - t0) / 1000;
  firstDone.email ??= seconds * 1000;
  firstDone.sms ??= seconds * 1000;
  await Promise.all(workers.map((w) => new Promise((r) => w.once('exit', r))));
  const rate = (k: 'email' | 'sms') =>
    want[k] === 0 ? null : Math.round(want[k] / (firstDone[k]! / 1000));
  const row = {
    phase: name,
    workers: WORKERS,
    messages: n,
    seconds: Number(seconds.toFixed(1)),
    emailPerSecond: rate('email'),
    smsPerSecond: rate('sms'),
    totalPerSecond: Math.round(n / seconds),
  };
  process.stdout.write(JSON.stringify(row) + '\n');
  record({ bench: 'dispatch', engine, ...row });
}

const phases = arg('phases', 'email,sms,both').split(',');
if (phases.includes('email')) await phase('email', ['email']);
if (phases.includes('sms')) await phase('sms', ['sms']);
if (phases.includes('both')) await phase('both', ['email', 'sms']);

const decisions = await p.db.query<{ n: string }>(
  "SELECT count(*) AS n FROM compliance_decisions WHERE stage = 'send'",
);
process.stdout.write(`compliance decisions at sending: ${decisions.rows[0]!.n}\n`);
api.kill('SIGTERM');
smtp.kill('SIGTERM');
await kannel.stop();
await p.close();
