/**
 * Dispatch on the engine under test: planned actions through compliance and the channels (a
 * real SMTP server for e-mail, PDF letters, the sandbox for SMS), every transition stored,
 * blocked contacts with their rules, crash reconciliation without double sends, and the audit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { SandboxProvider } from '../../src/adapters/channels/sandbox.ts';
import { SmtpEmailProvider } from '../../src/adapters/channels/smtp.ts';
import { PdfLetterProvider } from '../../src/adapters/channels/letters.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import {
  prepareDay,
  processAllShards,
  type DispatchDeps,
} from '../../src/app/dispatch/dispatcher.ts';
import { auditContacts } from '../../src/app/compliance/audit.ts';
import { recordOutcome, startTask } from '../../src/app/dispatch/tasks.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';
import { startSmtpServer, type TestSmtpServer } from '../support/smtp.ts';

const STRATEGY = `
id: default
name: Test policy
segments:
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: notice, offset: 0, channel: sms, template: overdue_notice_1 }
      - { id: bill, offset: 0, channel: email, template: overdue_itemised_bill }
      - id: call
        offset: 0
        channel: phone
        # its fallback text ships in the catalogue
        template: pre_due_courtesy_call
        priority: 60
        on_fail: { action: fallback, channel: sms }
      - id: letter
        offset: 0
        channel: letter
        template: demand_letter_1
        on_fail: { action: retry_next_day, max_retries: 1 }
      # Only for those no contact reached yesterday.
      - id: nudge
        offset: 1
        channel: sms
        template: overdue_notice_2
        skip_if: history.days_since_contact == 1
`;

// C1 in New York (English), C2 in Shanghai (Chinese), C3 opted out of SMS, C4 under a dispute hold.
const FILES = {
  'customers.csv': csv(
    'customer_id,name,phone,email,address,timezone,language,jurisdiction',
    'C1,Ann Lee,+12125550101,ann@example.com,"12 Main St, New York",America/New_York,en,US-NY',
    'C2,王伟,+8613812345678,wang@example.cn,"上海市浦东新区世纪大道100号",Asia/Shanghai,zh-CN,CN',
    'C3,Bob Ray,+12125550103,bob@example.com,"3 Elm St, Boston",America/New_York,en,US-MA',
    'C4,Cy Day,+447700900004,cy@example.co.uk,"4 High St, London",Europe/London,en,UK',
  ),
  'accounts.csv': csv(
    'account_id,customer_id,product,currency,principal,opened_on',
    'A1,C1,loan,USD,300.00,2026-01-01',
    'A2,C2,loan,CNY,3000.00,2026-01-01',
    'A3,C3,loan,USD,300.00,2026-01-01',
    'A4,C4,loan,GBP,300.00,2026-01-01',
    'A5,C4,card,GBP,50.00,2026-01-01',
  ),
  'instalments.csv': csv(
    'account_id,seq,due_date,principal_due,interest_due,fees_due',
    'A1,1,2026-03-01,100.00,5.00,2.50',
    'A1,2,2026-04-01,100.00,5.00,0',
    'A2,1,2026-03-01,1000.00,50.00,10.00',
    'A2,2,2026-04-01,1000.00,50.00,0',
    'A3,1,2026-03-01,100.00,0,0',
    'A4,1,2026-03-01,100.00,0,0',
    'A5,1,2026-04-01,50.00,0,0',
  ),
  'payments.csv': csv('payment_id,account_id,paid_on,amount'),
  // A hold on one of C4's accounts stops contact about all of them.
  'holds.csv': csv('account_id,kind,from,to', 'A5,dispute,2026-03-01,'),
};

describe(`dispatch (${ENGINE})`, () => {
  let p: Platform;
  let smtp: TestSmtpServer;
  let deps: DispatchDeps;
  const clock = fixedClock('2026-03-05T04:00:00Z');

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    smtp = await startSmtpServer();
    const report = await importPortfolio(new CsvFolderSource(folderWith(FILES)), p.imports, {
      skipBad: false,
    });
    expect(report.status).toBe('imported');
    await publishSource(p.strategies, STRATEGY, {
      by: 'test',
      reason: 'test',
      effectiveFrom: '2026-03-01',
    });
    const c3 = await p.db.query<{ id: number }>(
      "SELECT id FROM customers WHERE external_id = 'C3'",
    );
    await p.db.query(
      `INSERT INTO contact_preferences (customer_id, kind, channel, since, source)
       VALUES ($1, 'opt_out', 'sms', '2026-02-01T00:00:00Z', 'test')`,
      [c3.rows[0]!.id],
    );
    deps = {
      store: p.dispatch,
      queue: p.jobs,
      providers: {
        sms: new SandboxProvider('sms'),
        email: new SmtpEmailProvider({
          host: '127.0.0.1',
          port: smtp.port,
          from: 'Collections <c@lender.example>',
          messageIdDomain: 'lender.example',
        }),
        letter: new PdfLetterProvider(p.db, {
          sender: { name: 'Lender', address: ['1 Way'] },
          now: () => clock.now(),
        }),
      },
      settings: { companyName: 'Lender', publicUrl: 'https://pay.example' },
      actor: 'test',
    };
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-02', to: '2026-03-02' },
    );
  });

  afterAll(async () => {
    await deps?.providers.email?.close();
    await smtp?.close();
    await p?.close();
  });

  const states = async () => {
    const r = await p.db.query<{
      key: string;
      customer: string;
      channel: string;
      state: string;
      reason: string | null;
    }>(
      `SELECT d.idempotency_key AS key, c.external_id AS customer, d.channel, d.state, d.last_reason AS reason
       FROM dispatches d JOIN customers c ON c.id = d.customer_id ORDER BY c.external_id, d.channel`,
    );
    return r.rows;
  };

  it('checks the day at planning: holds block everything, opt-outs their channel, the rest is queued', async () => {
    const r = await prepareDay(deps, '2026-03-02', new Date('2026-03-02T04:00:00Z'));
    expect(r.created).toBe(16);
    const s = await states();
    const of = (c: string, ch: string) => s.find((x) => x.customer === c && x.channel === ch)!;
    for (const ch of ['sms', 'email', 'phone', 'letter']) {
      expect(of('C4', ch).state).toBe('blocked');
      expect(of('C4', ch).reason).toContain('UK-FCA.hold');
    }
    expect(of('C3', 'sms').state).toBe('blocked');
    expect(of('C3', 'sms').reason).toContain('US-REG-F.opt-out');
    expect(of('C3', 'email').state).toBe('queued');
    expect(of('C1', 'sms').state).toBe('queued');
    const tasks = await p.db.query("SELECT * FROM tasks WHERE kind = 'call' ORDER BY id");
    expect(tasks.rows).toHaveLength(3);
    const decisions = await p.db.query("SELECT * FROM compliance_decisions WHERE stage = 'plan'");
    // ... and C4's blocked call falls back to a text (its on_fail), blocked by the hold too.
    expect(decisions.rows).toHaveLength(17);
  });

  it('sends nothing before the customer’s local slot, then everything once at it', async () => {
    // 05:00 UTC is 00:00 in New York and 13:00 in Shanghai: only the Chinese customer's are due.
    const early = await processAllShards(deps, {
      now: () => new Date('2026-03-02T05:00:00Z'),
      token: (s) => `t1:${s}`,
    });
    expect(early.sent).toBe(3); // C2's SMS, e-mail and letter
    const s = await states();
    expect(s.find((x) => x.customer === 'C1' && x.channel === 'sms')!.state).toBe('queued');
    await smtp.waitForMessages(1);
    const mail = smtp.messages.find((m) => m.to.includes('wang@example.cn'))!;
    expect(mail.subject).toMatch(/[\u4e00-\u9fff]/);
    expect(mail.text).toContain('¥');
    expect(mail.html).toContain('<table');
    const later = await processAllShards(deps, {
      now: () => new Date('2026-03-02T15:00:00Z'),
      token: (s) => `t2:${s}`,
    });
    expect(later.sent).toBe(5); // C1: sms, email, letter; C3: email, letter
    await smtp.waitForMessages(3);
    expect([...smtp.countByKey().values()].every((n) => n === 1)).toBe(true);
    const letters = await p.db.query<{ pages: number; pdf: Uint8Array }>(
      'SELECT pages, pdf FROM letters',
    );
    expect(letters.rows).toHaveLength(3);
    expect(Buffer.from(letters.rows[0]!.pdf).subarray(0, 5).toString()).toBe('%PDF-');
    const again = await processAllShards(deps, {
      now: () => new Date('2026-03-02T16:00:00Z'),
      token: (s) => `t3:${s}`,
    });
    expect(again.sent).toBe(0);
    const events = await p.db.query<{ to_state: string }>(
      `SELECT e.to_state FROM dispatch_events e JOIN dispatches d ON d.id = e.dispatch_id
       JOIN customers c ON c.id = d.customer_id WHERE c.external_id = 'C1' AND d.channel = 'sms' ORDER BY e.at, e.to_state`,
    );
    expect(events.rows.map((e) => e.to_state).sort()).toEqual(
      ['checked', 'planned', 'queued', 'sending', 'sent'].sort(),
    );
  });

  it('a call is checked when the collector starts it and its outcome is a contact attempt', async () => {
    const t = await p.db.query<{ id: number }>(
      `SELECT t.id FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.external_id = 'C1'`,
    );
    const id = Number(t.rows[0]!.id);
    // 23:30 in New York: outside 08:00-21:00.
    const denied = await startTask(
      { tasks: p.tasks, dispatch: p.dispatch },
      id,
      'collector-1',
      new Date('2026-03-03T04:30:00Z'),
    );
    expect(denied.decision.decision).toBe('DENY');
    expect(denied.decision.reasons.map((r) => r.rule)).toContain('US-REG-F.contact-hours');
    expect(denied.task.state).toBe('open');
    const ok = await startTask(
      { tasks: p.tasks, dispatch: p.dispatch },
      id,
      'collector-1',
      new Date('2026-03-02T16:00:00Z'),
    );
    expect(ok.decision.decision).toBe('ALLOW');
    const done = await recordOutcome(
      { tasks: p.tasks, dispatch: p.dispatch },
      id,
      { outcome: 'promise_to_pay', notes: 'will pay Friday', by: 'collector-1' },
      new Date('2026-03-02T16:05:00Z'),
    );
    expect(done.state).toBe('done');
    const a = await p.db.query<{ outcome: string; ts: Date | string }>(
      "SELECT outcome, ts FROM contact_attempts WHERE channel = 'phone'",
    );
    expect(a.rows).toHaveLength(1);
    expect(new Date(a.rows[0]!.ts).toISOString()).toBe('2026-03-02T16:00:00.000Z');
  });

  it('a step that cannot be done follows its on_fail: a text after an unanswered call, a letter again tomorrow', async () => {
    const t = await p.db.query<{ id: number }>(
      `SELECT t.id FROM tasks t JOIN customers c ON c.id = t.customer_id WHERE c.external_id = 'C2'`,
    );
    const id = Number(t.rows[0]!.id);
    const deps2 = { tasks: p.tasks, dispatch: p.dispatch };
    // 10:00 in Shanghai.
    expect(
      (await startTask(deps2, id, 'collector-2', new Date('2026-03-02T02:00:00Z'))).decision
        .decision,
    ).toBe('ALLOW');
    await recordOutcome(
      deps2,
      id,
      { outcome: 'no_answer', by: 'collector-2' },
      new Date('2026-03-02T02:01:00Z'),
    );
    const r = await processAllShards(deps, {
      now: () => new Date('2026-03-02T02:30:00Z'),
      token: (s) => `tf:${s}`,
    });

    expect(r.sent).toBe(1);
    const fallback = await p.db.query<{ key: string; state: string; parent: string }>(
      `SELECT d.idempotency_key AS key, d.state, pd.channel AS parent FROM dispatches d
       JOIN dispatches pd ON pd.id = d.parent_id JOIN customers c ON c.id = d.customer_id
       WHERE c.external_id = 'C2'`,
    );
    expect(fallback.rows).toEqual([
      { key: expect.stringMatching(/\/fallback:sms$/), state: 'sent', parent: 'phone' },
    ]);
    // C4's letter was blocked by the hold: tried again the next day (once), blocked again.
    const letters = await p.db.query<{ planned_for: string | Date; state: string }>(
      `SELECT d.planned_for, d.state FROM dispatches d JOIN customers c ON c.id = d.customer_id
       WHERE c.external_id = 'C4' AND d.channel = 'letter' ORDER BY d.planned_for`,
    );
    expect(
      letters.rows.map((x) => [
        String(x.planned_for instanceof Date ? x.planned_for.toISOString() : x.planned_for).slice(
          0,
          10,
        ),
        x.state,
      ]),
    ).toEqual([
      ['2026-03-02', 'blocked'],
      ['2026-03-03', 'blocked'],
    ]);
  });

  it('a message left sending by a stopped worker is sent again only if it was never handed over', async () => {
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-03', to: '2026-03-03' },
    );
    // The strategy's steps are all on day 0, so day 2 plans nothing: make two e-mails by hand.
    const ids = await p.db.query<{ id: number; customer: string }>(
      `UPDATE dispatches d SET state = 'sending', claim_token = 'dead-worker', attempts = 0,
              not_before = '2026-03-02T14:00:00Z', expires_at = '2026-03-04T05:00:00Z',
              handed_over_at = CASE WHEN c.external_id = 'C1' THEN '2026-03-02T15:00:00Z'::timestamptz END
       FROM customers c WHERE c.id = d.customer_id AND d.channel = 'email' AND c.external_id IN ('C1', 'C3')
       RETURNING d.id, c.external_id AS customer`,
    );
    expect(ids.rows).toHaveLength(2);
    await p.db.query('DELETE FROM contact_attempts WHERE dispatch_id = ANY($1::bigint[])', [
      ids.rows.map((x) => x.id),
    ]);
    const before = smtp.messages.length;
    const r = await processAllShards(deps, {
      now: () => new Date('2026-03-02T17:00:00Z'),
      token: (s) => `t4:${s}`,
    });
    expect(r.reconciled).toBe(2);
    // C1's was handed over: taken as sent, not sent again; C3's was not: sent now, once more.
    expect(r.sent).toBe(1);
    await smtp.waitForMessages(before + 1);
    expect(smtp.messages.length).toBe(before + 1);
    expect(smtp.messages[smtp.messages.length - 1]!.to).toContain('bob@example.com');
    const s = await states();
    expect(
      s
        .filter((x) => x.channel === 'email' && ['C1', 'C3'].includes(x.customer))
        .map((x) => x.state),
    ).toEqual(['sent', 'sent']);
  });

  it('the strategy sees the days since the last contact made', async () => {
    const r = await p.db.query<{ customer: string; status: string }>(
      `SELECT c.external_id AS customer, pa.status FROM planned_actions pa
       JOIN accounts a ON a.id = pa.account_id JOIN customers c ON c.id = a.customer_id
       WHERE pa.step_id = 'nudge' AND pa.planned_for = '2026-03-03' ORDER BY c.external_id`,
    );
    // C4 was blocked all day (a hold): no contact, so the nudge is planned; the rest were reached.
    expect(r.rows).toEqual([
      { customer: 'C1', status: 'skipped' },
      { customer: 'C2', status: 'skipped' },
      { customer: 'C3', status: 'skipped' },
      { customer: 'C4', status: 'planned' },
    ]);
  });

  it('temporary failures are retried with backoff; permanent ones are failed with the reason', async () => {
    const c = await p.db.query<{ id: number }>(
      `UPDATE dispatches d SET state = 'queued', claim_token = NULL, handed_over_at = NULL, attempts = 0,
              not_before = '2026-03-02T14:00:00Z', expires_at = '2026-03-04T05:00:00Z'
       FROM customers c WHERE c.id = d.customer_id AND d.channel = 'email' AND c.external_id IN ('C1', 'C3')
       RETURNING d.id`,
    );
    expect(c.rows).toHaveLength(2);
    smtp.failFor('ann@example.com', { code: 451, message: 'try later', at: 'rcpt' });
    smtp.failFor('bob@example.com', { code: 550, message: 'no such user', at: 'rcpt' });
    const r = await processAllShards(deps, {
      now: () => new Date('2026-03-02T18:00:00Z'),
      token: (s) => `t5:${s}`,
    });
    expect(r.retried).toBe(1);
    expect(r.failed).toBe(1);
    const s = await states();
    expect(s.find((x) => x.customer === 'C3' && x.channel === 'email')!.reason).toMatch(
      /permanent failure.*550/,
    );
    const retry = await p.db.query<{ not_before: Date | string; attempts: number }>(
      `SELECT d.not_before, d.attempts FROM dispatches d JOIN customers c ON c.id = d.customer_id
       WHERE c.external_id = 'C1' AND d.channel = 'email'`,
    );
    expect(retry.rows[0]!.attempts).toBe(1);
    expect(new Date(retry.rows[0]!.not_before).getTime()).toBeGreaterThan(
      new Date('2026-03-02T18:00:00Z').getTime(),
    );
    smtp.failFor('ann@example.com', undefined);
    smtp.failFor('bob@example.com', undefined);
    const r2 = await processAllShards(deps, {
      now: () => new Date('2026-03-02T19:00:00Z'),
      token: (s) => `t6:${s}`,
    });
    expect(r2.sent).toBe(1);
  });

  it('the audit finds no violation in what was sent, and finds one that breaks the hours', async () => {
    const period = [new Date('2026-03-01T00:00:00Z'), new Date('2026-03-04T00:00:00Z')] as const;
    const clean = await auditContacts(p.compliance, ...period);
    expect(clean.contacts).toBeGreaterThanOrEqual(9);
    expect(clean.violations).toEqual([]);
    await p.db.query(
      `INSERT INTO contact_attempts (customer_id, account_id, ts, channel, direction, outcome, address)
       SELECT c.id, a.id, '2026-03-03T03:30:00Z', 'phone', 'outbound', 'no_answer', c.phone
       FROM customers c JOIN accounts a ON a.customer_id = c.id WHERE c.external_id = 'C1' AND a.external_id = 'A1'`,
    );
    const dirty = await auditContacts(p.compliance, ...period);
    expect(dirty.violations).toHaveLength(1);
    expect(dirty.violations[0]!.reasons.map((r) => r.rule)).toContain('US-REG-F.contact-hours');
  });
});
