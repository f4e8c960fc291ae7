/**
 * Exactly once under kill -9: `recoup worker` processes send 10,000 messages (e-mail to a real
 * SMTP server, SMS through a real Kannel to fakesmsc); the worker is killed with SIGKILL twice
 * while it sends and started again; every message must arrive exactly once. Workers in several
 * processes need the PostgreSQL server, so this runs in the server run of the suite.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { importFolder } from '../../src/adapters/cli/commands.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';
import { kannelAvailable, startKannel, type Kannel } from '../support/kannel.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const URL_ = process.env.DATABASE_URL;
const N = Number(process.env.RECOUP_CRASH_MESSAGES ?? 10_000);
const run = URL_ && (kannelAvailable() || process.env.CI) ? describe : describe.skip;

/** The key in a message: its opt-out link carries the dispatch's idempotency key. */
const keyOf = (text: string) => {
  const m = /preferences\/([^?\s]+)\?channel=/.exec(text);
  return m ? decodeURIComponent(m[1]!) : null;
};

run('dispatch survives kill -9 (postgres)', () => {
  let p: Platform;
  let smtp: TestSmtpServer;
  let kannel: Kannel;
  let api: ChildProcess;
  const schema = `crash_${randomBytes(5).toString('hex')}`;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    p = await openPlatform({ databaseUrl: URL_, dataDir: '', timezone: 'UTC', schema });
    const folder = mkdtempSync(join(tmpdir(), 'recoup-crash-'));
    await runGenerate({
      accounts: Math.ceil(N / 2) + 800,
      seed: 7,
      asOf: '2026-06-30',
      out: folder,
    });
    const report = await importFolder(p, folder, {});
    expect(report.status).toBe('imported');
    // Every customer where it is now early afternoon, with a phone and an e-mail address, and
    // no holidays in the calendar: the rules allow every message, so all must arrive.
    const h = new Date().getUTCHours();
    const offset = ((13 - h + 36) % 24) - 12;
    const zone = offset === 0 ? 'Etc/GMT' : `Etc/GMT${offset > 0 ? '-' : '+'}${Math.abs(offset)}`;
    await p.db.exec('DELETE FROM contact_calendar; DELETE FROM holds;');
    await p.db.query(
      `UPDATE customers SET timezone = $1, jurisdiction = 'US-NY', do_not_contact = false,
         phone = coalesce(phone, '+1212555' || lpad((id % 10000)::text, 4, '0')),
         email = coalesce(email, 'c' || id || '@example.com')`,
      [zone],
    );
    const made = await p.db.query(
      `INSERT INTO dispatches (idempotency_key, account_id, customer_id, channel, template,
         planned_for, priority, shard, state, not_before, expires_at)
       SELECT 'crash/' || a.external_id || '/' || ch.channel, a.id, a.customer_id, ch.channel,
              ch.template, current_date, 50, (a.customer_id % 32)::int, 'queued',
              now() - interval '1 minute', now() + interval '1 day'
       FROM (SELECT * FROM accounts ORDER BY id LIMIT $1) a
       CROSS JOIN (VALUES ('sms', 'overdue_notice_1'), ('email', 'overdue_itemised_bill')) ch(channel, template)`,
      [N / 2],
    );
    expect(made.rowCount).toBe(N);
    smtp = await startSmtpServer();
    kannel = await startKannel();
    const kurl = new URL(kannel.sendsmsUrl);
    kurl.username = kannel.username;
    kurl.password = kannel.password;
    env = {
      ...process.env,
      DATABASE_URL: URL_,
      RECOUP_SCHEMA: schema,
      RECOUP_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      // The relay can be asked whether it has a message; Kannel confirms with delivery reports.
      RECOUP_SMTP_LOOKUP_URL: smtp.lookupUrl,
      RECOUP_KANNEL_URL: kurl.toString(),
      RECOUP_SMS_REPORT_WITHIN_MS: '8000',
    };
    // The API server takes Kannel's delivery reports.
    api = spawn(process.execPath, ['bin/recoup.mjs', 'serve'], {
      env: { ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const apiUrl = await new Promise<string>((resolve, reject) => {
      let out = '';
      api.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /running at (http:\/\/localhost:\d+)/.exec(out);
        if (!m) return;
        // the rest is the server's request log: read and dropped, not kept
        api.stdout!.removeAllListeners('data').resume();
        resolve(m[1]!.replace('localhost', '127.0.0.1'));
      });
      api.once('exit', (code) => reject(new Error(`recoup serve exited with ${code}`)));
    });
    env.RECOUP_PUBLIC_URL = apiUrl;
  }, 300_000);

  afterAll(async () => {
    await kannel?.stop();
    await smtp?.close();
    api?.kill('SIGTERM');
    await p?.close();
    const c = new pg.Client({ connectionString: URL_ });
    await c.connect();
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await c.end();
  });

  const received = () => smtp.messages.length + kannel.received().length;

  function worker(extra: string[] = []): ChildProcess {
    const child = spawn(
      process.execPath,
      ['bin/recoup.mjs', 'worker', '--concurrency', '2', ...extra],
      {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    child.stderr!.on('data', () => {});
    return child;
  }

  async function until(cond: () => boolean, timeoutMs: number, what: string) {
    const t0 = Date.now();
    while (!cond()) {
      if (Date.now() - t0 > timeoutMs)
        throw new Error(`timed out waiting for ${what} (${received()} received)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it(`sends ${N} messages exactly once through two kill -9s`, async () => {
    const t0 = Date.now();
    const kills: number[] = [];
    for (const share of [0.2 + Math.random() * 0.2, 0.5 + Math.random() * 0.2]) {
      const w = worker();
      const target = Math.floor(N * share);
      await until(() => received() >= target, 240_000, `${target} messages`);
      w.kill('SIGKILL');
      await new Promise((r) => w.once('exit', r));
      kills.push(received());
    }
    const last = worker(['--exit-when-idle']);
    const code = await new Promise<number | null>((r) => last.once('exit', r));
    expect(code).toBe(0);
    // The SMTP server and fakesmsc may still be taking the last ones in.
    await until(() => received() >= N, 30_000, `all ${N} messages`).catch(async (e: Error) => {
      const got = new Set([
        ...smtp.messages.map((m) => m.key),
        ...kannel.received().map((m) => keyOf(m.text)),
      ]);
      const all = await p.db.query<{ id: number; key: string; state: string }>(
        'SELECT id, idempotency_key AS key, state FROM dispatches ORDER BY id',
      );
      const missing = all.rows.filter((r) => !got.has(r.key)).slice(0, 5);
      const events = await p.db.query(
        'SELECT dispatch_id, at, from_state, to_state, reason FROM dispatch_events WHERE dispatch_id = ANY($1::bigint[]) ORDER BY dispatch_id, at',
        [missing.map((m) => m.id)],
      );
      throw new Error(
        `${e.message}\nmissing: ${JSON.stringify(missing)}\n${JSON.stringify(events.rows, null, 1)}`,
      );
    });
    await new Promise((r) => setTimeout(r, 1000));
    const seconds = (Date.now() - t0) / 1000;

    const counts = new Map<string, number>();
    for (const m of smtp.messages) counts.set(m.key ?? '?', (counts.get(m.key ?? '?') ?? 0) + 1);
    for (const m of kannel.received()) {
      const k = keyOf(m.text) ?? '?';
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    const twice = [...counts].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
    expect(counts.has('?')).toBe(false);
    expect(counts.size).toBe(N);
    const states = await p.db.query<{ state: string; n: string }>(
      'SELECT state, count(*) AS n FROM dispatches GROUP BY state',
    );
    // Every SMS has its delivery report by now or soon; none is left unsent.
    const byState = Object.fromEntries(states.rows.map((r) => [r.state, Number(r.n)]));
    expect((byState.sent ?? 0) + (byState.delivered ?? 0)).toBe(N);
    const attempts = await p.db.query<{ n: string }>('SELECT count(*) AS n FROM contact_attempts');
    expect(Number(attempts.rows[0]!.n)).toBe(N);
    const reconciled = await p.db.query<{ n: string }>(
      "SELECT count(*) AS n FROM dispatch_events WHERE reason LIKE '%worker stopped%'",
    );
    console.log(
      `${N} messages in ${seconds.toFixed(1)} s through kills at ${kills.join(' and ')} received; ` +
        `${reconciled.rows[0]!.n} reconciled after the kills`,
    );
  }, 600_000);
});
