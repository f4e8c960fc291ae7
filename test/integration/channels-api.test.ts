/**
 * Channels over HTTP on the engine under test: dispatches with their trail, letters as PDF,
 * calls started and recorded by a collector, delivery reports and STOP replies from Kannel,
 * the customer's opt-out link (and one-click unsubscribe), templates saved only when they
 * check, and the compliance report and audit.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { SandboxProvider } from '../../src/adapters/channels/sandbox.ts';
import { PdfLetterProvider } from '../../src/adapters/channels/letters.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import {
  prepareDay,
  processAllShards,
  type DispatchDeps,
} from '../../src/app/dispatch/dispatcher.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const STRATEGY = `
id: default
name: Test
segments:
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: notice, offset: 0, channel: sms, template: overdue_notice_1 }
      - { id: call, offset: 0, channel: phone, template: m1_call }
      - { id: letter, offset: 0, channel: letter, template: demand_letter_1 }
`;

// 14:00 UTC on 2 March: 09:00 in New York.
const clock = fixedClock('2026-03-02T14:00:00Z');

describe(`channels over HTTP (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  let deps: DispatchDeps;

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,address,timezone,language,jurisdiction',
        'C1,Ann Lee,+12125550101,ann@example.com,"12 Main St, New York",America/New_York,en,US-NY',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,USD,100.00,2026-01-01',
      ),
      'instalments.csv': csv('account_id,seq,due_date,principal_due', 'A1,1,2026-03-01,100.00'),
    });
    expect((await importPortfolio(new CsvFolderSource(folder), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, STRATEGY, {
      by: 't',
      reason: 't',
      effectiveFrom: '2026-03-01',
    });
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: '2026-03-02', to: '2026-03-02' },
    );
    deps = {
      store: p.dispatch,
      queue: p.jobs,
      providers: {
        sms: new SandboxProvider('sms'),
        letter: new PdfLetterProvider(p.db, {
          sender: { name: 'Lender', address: ['1 Way'] },
          now: () => clock.now(),
        }),
      },
      settings: { companyName: 'Lender', publicUrl: 'https://pay.example' },
      actor: 'test',
    };
    await prepareDay(deps, '2026-03-02', new Date('2026-03-02T05:00:00Z'));
    await processAllShards(deps, {
      now: () => new Date('2026-03-02T14:40:00Z'),
      token: (s) => `a:${s}`,
    });
    app = await buildServer(p, testServer);
  });
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  const dispatchOf = async (channel: string) =>
    (await app.inject(`/api/dispatches?date=2026-03-02&channel=${channel}`)).json().dispatches[0];

  it('lists dispatches and shows one with its transitions and decisions', async () => {
    const sms = await dispatchOf('sms');
    expect(sms.state).toBe('sent');
    const r = await app.inject(`/api/dispatches/${sms.id}`);
    expect(r.statusCode).toBe(200);
    const body = r.json();
    expect(body.events.map((e: { to_state: string }) => e.to_state)).toEqual([
      'planned',
      'checked',
      'queued',
      'sending',
      'sent',
    ]);
    expect(
      body.decisions.map((d: { stage: string; decision: string }) => `${d.stage}:${d.decision}`),
    ).toEqual(['plan:ALLOW', 'send:ALLOW']);
    expect((await app.inject('/api/dispatches/999999')).statusCode).toBe(404);
  });

  it('serves a letter as PDF', async () => {
    const letter = await dispatchOf('letter');
    const r = await app.inject(`/api/letters/${letter.id}.pdf`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(r.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    // A letter whose PDF was not kept (the sandbox of the demo's history): rendered from its text.
    await p.db.query('DELETE FROM letters WHERE dispatch_id = $1', [letter.id]);
    const again = await app.inject(`/api/letters/${letter.id}.pdf`);
    expect(again.statusCode).toBe(200);
    expect(again.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    expect((await app.inject('/api/letters/999999.pdf')).statusCode).toBe(404);
  });

  it('a collector starts a call (refused outside the hours) and records its outcome', async () => {
    const task = (await app.inject('/api/tasks?kind=call')).json().tasks[0];
    clock.set('2026-03-03T02:30:00Z'); // 21:30 in New York
    const late = await app.inject({
      method: 'POST',
      url: `/api/tasks/${task.id}/start`,
      payload: { by: 'mia' },
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().details[0].at).toBe('US-REG-F.contact-hours');
    clock.set('2026-03-02T15:00:00Z');
    const ok = await app.inject({
      method: 'POST',
      url: `/api/tasks/${task.id}/start`,
      payload: { by: 'mia' },
    });
    expect(ok.statusCode).toBe(200);
    const bad = await app.inject({
      method: 'POST',
      url: `/api/tasks/${task.id}/outcome`,
      payload: { by: 'mia', outcome: 'maybe' },
    });
    expect(bad.statusCode).toBe(400);
    const done = await app.inject({
      method: 'POST',
      url: `/api/tasks/${task.id}/outcome`,
      payload: { by: 'mia', outcome: 'conversation', notes: 'will pay on Friday' },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json().task).toMatchObject({ state: 'done', outcome: 'conversation' });
    expect((await dispatchOf('phone')).state).toBe('delivered');
  });

  it('delivery reports from Kannel move a sent SMS to delivered', async () => {
    const sms = await dispatchOf('sms');
    const r = await app.inject(
      `/api/channels/kannel/dlr?key=${encodeURIComponent(sms.key)}&status=1&at=1772460000&reply=DELIVRD`,
    );
    expect(r.statusCode).toBe(200);
    expect(r.json().recorded).toBe(true);
    expect((await dispatchOf('sms')).state).toBe('delivered');
  });

  it('a STOP reply opts the number out of SMS, and the next text is blocked', async () => {
    const r = await app.inject(
      '/api/channels/kannel/inbound?from=%2B12125550101&to=12345&text=%E9%80%80%E8%AE%A2&charset=UTF-8',
    );
    expect(r.statusCode).toBe(200);
    const prefs = await p.db.query(
      "SELECT channel, value, source FROM contact_preferences WHERE kind = 'opt_out'",
    );
    expect(prefs.rows).toEqual([{ channel: 'sms', value: '+12125550101', source: 'sms reply' }]);
    const msgs = await p.db.query('SELECT action FROM inbound_messages');
    expect(msgs.rows).toEqual([{ action: 'opted out of sms' }]);
  });

  it('the opt-out link shows a page and opts out by POST (one-click unsubscribe)', async () => {
    const letter = await dispatchOf('letter');
    const url = `/preferences/${encodeURIComponent(letter.key)}?channel=letter`;
    const page = await app.inject(url);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('退订');
    const post = await app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'List-Unsubscribe=One-Click',
    });
    expect(post.statusCode).toBe(200);
    const prefs = await p.db.query(
      "SELECT channel FROM contact_preferences WHERE kind = 'opt_out' ORDER BY id",
    );
    expect(prefs.rows.map((x) => x.channel)).toEqual(['sms', 'letter']);
    expect(
      (await app.inject({ method: 'POST', url: '/preferences/nope?channel=sms' })).statusCode,
    ).toBe(404);
  });

  it('records stated preferences with their dates, checked first, and do-not-contact', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/api/customers/C1/contact-preferences',
      payload: { kind: 'inconvenient_time', value: 'lunchtime', by: 'mia' },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details).toEqual([
      { at: 'value', reason: expect.stringContaining('HH:MM-HH:MM') },
    ]);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/customers/C1/contact-preferences',
      payload: { kind: 'inconvenient_time', value: '12:00-13:30', by: 'mia' },
    });
    expect(ok.statusCode).toBe(201);
    const dnc = await app.inject({
      method: 'PUT',
      url: '/api/customers/C1/do-not-contact',
      payload: { doNotContact: true, by: 'mia' },
    });
    expect(dnc.statusCode).toBe(200);
    const list = (await app.inject('/api/customers/C1/contact-preferences')).json();
    expect(list.doNotContact).toBe(true);
    expect(list.preferences.map((x: { kind: string }) => x.kind)).toContain('inconvenient_time');
    expect((await app.inject('/api/customers/NOPE/contact-preferences')).statusCode).toBe(404);
    await app.inject({
      method: 'PUT',
      url: '/api/customers/C1/do-not-contact',
      payload: { doNotContact: false, by: 'mia' },
    });
  });

  it('saves a template only when it checks', async () => {
    const bad = await app.inject({
      method: 'PUT',
      url: '/api/templates/sms/overdue_notice_1/en',
      payload: {
        by: 'mia',
        body: 'Hi {{customer_nmae}}, pay {{amount_due}}. Stop: {{opt_out_link}}',
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().details[0].reason).toContain('unknown variable "customer_nmae"');
    const good = await app.inject({
      method: 'PUT',
      url: '/api/templates/sms/overdue_notice_1/en',
      payload: {
        by: 'mia',
        body: 'Hi {{customer_name}}, {{amount_due}} is overdue. Stop: {{opt_out_link}}',
      },
    });
    expect(good.json()).toEqual({ version: 1 });
    const preview = await app.inject({
      method: 'POST',
      url: '/api/templates/preview',
      payload: { accountId: 'A1', id: 'overdue_notice_1', channel: 'sms' },
    });
    expect(preview.json().text).toMatch(/^Hi Ann Lee, \$100\.00 is overdue/);
  });

  it('reports contacts by hour and blocks by rule, and audits them', async () => {
    const r = await app.inject('/api/compliance/report?from=2026-03-01&to=2026-03-03');
    expect(r.statusCode).toBe(200);
    expect(r.json().contactsByHour).toEqual(
      expect.arrayContaining([
        { channel: 'sms', hour: 9, contacts: 1 },
        { channel: 'phone', hour: 10, contacts: 1 },
      ]),
    );
    expect(r.json().blocksByRule).toEqual([
      { rule: 'US-REG-F.contact-hours', stage: 'call', decisions: 1 },
    ]);
    const a = await app.inject('/api/compliance/audit?from=2026-03-01&to=2026-03-03');
    expect(a.json()).toMatchObject({ contacts: 3, violationCount: 0 });
  });
});
