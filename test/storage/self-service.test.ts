/**
 * The customer's self-service page on the engine under test, through the HTTP server: a signed
 * link opens the page of one account in the customer's language with nothing personal shown in
 * full; an expired link, a changed one, one for another account or another purpose is refused
 * with no data; a promise, a plan (its schedule first), contact preferences, a hardship
 * statement and a payment intent made on the page are recorded once each, however often the
 * form is sent.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import { testServer } from '../support/auth.ts';
import { selfServiceDeps, type Platform } from '../../src/adapters/platform.ts';
import { HmacLinkSigner } from '../../src/adapters/selfservice/hmac-link-signer.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { signLink } from '../../src/app/selfservice/links.ts';
import { setPlanPolicy } from '../../src/app/plans/plans.ts';
import { issueLink } from '../../src/app/selfservice/selfservice.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { renderMessage } from '../../src/app/dispatch/dispatcher.ts';
import { DEFAULT_TEMPLATES } from '../../src/domain/templates/catalog.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const AS_OF = '2026-06-30';
const NOON = `${AS_OF}T12:00:00Z`;

describe(`the self-service page (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  const clock = fixedClock(NOON);
  /** Accounts past due, in arrears, not on hold: English-speaking ones and a Chinese-speaking one. */
  let en: { account: string; name: string; phone: string; email: string }[] = [];
  let zh: { account: string; name: string; phone: string; email: string };
  const deps = () => selfServiceDeps(p, 'Test Lender');
  const link = async (account: string, days?: number) =>
    (await issueLink(deps(), account, days === undefined ? {} : { days })).token;
  const get = (url: string) => app.inject({ method: 'GET', url });
  const post = (url: string, form: Record<string, string | string[]>) => {
    const body = new URLSearchParams();
    for (const [k, v] of Object.entries(form))
      for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
    return app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: body.toString(),
    });
  };
  const requestOf = (html: string, action: string) => {
    const form = html.slice(html.indexOf(`/${action}?`));
    return /name="request" value="([^"]+)"/.exec(form)![1]!;
  };

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    const dir = mkdtempSync(join(tmpdir(), 'recoup-self-service-'));
    await runGenerate({ accounts: 400, seed: 11, asOf: AS_OF, out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
      by: 'Mia',
      reason: 'test',
      effectiveFrom: '2026-01-01',
    });
    await runCycles(
      { cycles: p.cycles, policies: p.policies, clock, planner: p.planner },
      { from: AS_OF, to: AS_OF },
    );
    const r = await p.db.query<{
      account: string;
      name: string;
      phone: string;
      email: string;
      language: string;
    }>(
      `SELECT a.external_id AS account, c.name, c.phone, c.email, c.language
       FROM account_states s JOIN accounts a ON a.id = s.account_id
       JOIN customers c ON c.id = a.customer_id
       WHERE s.past_due_days BETWEEN 1 AND 60 AND s.arrears >= 10000 AND NOT s.on_hold
         AND c.phone IS NOT NULL AND c.email IS NOT NULL
       ORDER BY a.id`,
    );
    en = r.rows.filter((x) => x.language.startsWith('en')).slice(0, 6);
    zh = r.rows.find((x) => x.language.startsWith('zh'))!;
    expect(en.length).toBe(6);
    expect(zh).toBeDefined();
    app = await buildServer(p, testServer);
  }, 180_000);
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('shows what is owed and due in the customer language, with nothing personal in full', async () => {
    const c = zh;
    const res = await get(`/s/${await link(c.account)}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/html');
    expect(res.headers['cache-control']).toBe('no-store');
    const html = res.body;
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('当前应还');
    expect(html).toContain(`****${c.account.slice(-4)}`);
    const state = await p.db.query<{ arrears: string; currency: string }>(
      `SELECT s.arrears, a.currency FROM account_states s JOIN accounts a ON a.id = s.account_id
       WHERE a.external_id = $1`,
      [c.account],
    );
    const arrears = Number(state.rows[0]!.arrears);
    const amount = new Intl.NumberFormat('zh-CN', {
      style: 'currency',
      currency: state.rows[0]!.currency,
    }).format(arrears / 100);
    expect(html).toContain(amount);
    // no account id in full, no name, phone or e-mail
    expect(html).not.toContain(`>${c.account}<`);
    expect(html).not.toContain(c.name);
    expect(html).not.toContain(c.phone);
    expect(html).not.toContain(c.email);
    expect(html).not.toMatch(/https?:\/\/(?!localhost)/); // no external assets
    // the language can be chosen
    const inEnglish = await get(`/s/${await link(c.account)}?lang=en`);
    expect(inEnglish.body).toContain('Due now');
    // the JSON twin
    const json = await get(`/api/self-service/${await link(c.account)}`);
    expect(json.json()).toMatchObject({
      accountRef: `****${c.account.slice(-4)}`,
      arrearsMinor: arrears,
    });
  });

  it('refuses an expired link, a changed one, one for another account or another purpose', async () => {
    const account = en[0]!.account;
    const token = await link(account, 1);
    // expired: a day and a second later
    clock.set('2026-07-01T12:00:01Z');
    const expired = await get(`/s/${token}`);
    expect(expired.statusCode).toBe(410);
    expect(expired.body).toContain('expired');
    expect(expired.body).not.toContain(account.slice(-4));
    clock.set(NOON);
    expect((await get(`/s/${token}`)).statusCode).toBe(200);

    // one character changed, in the payload or in the signature
    const [payload, mac] = token.split('.') as [string, string];
    const flip = (s: string, k: number) =>
      s.slice(0, k) + (s[k] === 'A' ? 'B' : 'A') + s.slice(k + 1);
    for (const changed of [`${flip(payload, 3)}.${mac}`, `${payload}.${flip(mac, 10)}`]) {
      const r = await get(`/s/${changed}`);
      expect(r.statusCode).toBe(403);
      expect(r.body).not.toContain(account.slice(-4));
    }
    // the same signature over another account
    const other = Buffer.from(
      Buffer.from(payload, 'base64url').toString().replace(account, en[1]!.account),
    ).toString('base64url');
    expect((await get(`/s/${other}.${mac}`)).statusCode).toBe(403);
    // signed with another secret
    const foreign = signLink(
      new HmacLinkSigner('x'.repeat(40)),
      account,
      'self_service',
      clock.now(),
    );
    expect((await get(`/s/${foreign.token}`)).statusCode).toBe(403);
    // a template preview's link (purpose preview) does not open the page
    const preview = signLink(p.links.signer, account, 'preview', clock.now());
    const r = await get(`/s/${preview.token}`);
    expect(r.statusCode).toBe(403);
    expect(r.body).not.toContain(account.slice(-4));
    // refused forms record nothing
    const refused = await post(`/s/${preview.token}/payment`, {
      amount: '1.00',
      request: 'r1234567',
    });
    expect(refused.statusCode).toBe(403);
    expect((await get(`/api/self-service/${token}x`)).statusCode).toBe(403);
    // every use is logged, never the token
    const uses = await p.db.query<{ account: string | null; outcome: string }>(
      "SELECT account, outcome FROM self_service_uses WHERE outcome LIKE 'refused%'",
    );
    expect(uses.rows.map((u) => u.outcome)).toEqual(
      expect.arrayContaining(['refused: expired', 'refused: invalid', 'refused: purpose']),
    );
    expect(uses.rows.find((u) => u.outcome === 'refused: invalid')!.account).toBeNull();
    const all = await p.db.query<{ t: string }>(
      'SELECT row_to_json(u)::text AS t FROM self_service_uses u',
    );
    for (const u of all.rows) expect(u.t).not.toContain(mac);
  });

  it('records a promise made on the page with channel self_service, once', async () => {
    const account = en[1]!.account;
    const token = await link(account);
    const page = await get(`/s/${token}`);
    const request = requestOf(page.body, 'promise');
    const form = { amount: '25.00', promisedFor: '2026-07-10', request };
    const first = await post(`/s/${token}/promise`, form);
    expect(first.statusCode).toBe(201);
    expect(first.body).toContain('Your promise is recorded');
    const again = await post(`/s/${token}/promise`, form);
    expect(again.statusCode).toBe(200);
    const rows = await p.promises.list({ account, limit: 10 });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      channel: 'self_service',
      amountMinor: 2500,
      promisedFor: '2026-07-10',
    });
    // a promise beyond the policy is refused with the reason, in a page
    const bad = await post(`/s/${await link(en[2]!.account)}/promise`, {
      amount: '25.00',
      promisedFor: '2026-09-30',
      request: 'abcdefgh1',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('promisedFor');
  });

  it('offers plans within the limits of a customer acting alone, shows the schedule, then creates it once', async () => {
    const account = en[2]!.account;
    const token = await link(account);
    const view = (await get(`/api/self-service/${token}`)).json() as {
      options: { id: string; kind: string; count: number }[];
    };
    expect(view.options.length).toBeGreaterThan(0);
    const policy = await p.plans.policy();
    const maxTerm = Math.min(
      ...Object.values(policy.limits).map((l) => l?.maxTermDays ?? Infinity),
    );
    for (const o of view.options)
      expect(o.kind === 'instalment' || o.kind === 'deferral').toBe(true);
    const option = view.options.find((o) => o.kind === 'instalment')!;
    // the what-if first: every payment, and the form to agree
    const preview = await get(`/s/${token}/plan?option=${option.id}`);
    expect(preview.statusCode).toBe(200);
    expect(preview.body).toContain('I agree to this plan');
    expect((preview.body.match(/<tr>/g) ?? []).length).toBe(option.count + 1);
    // nothing is recorded by the preview
    expect((await p.plans.accounts([account])).get(account)!.openPlanId).toBeNull();

    // an option the page does not offer is refused
    const long = await post(`/s/${token}/plan`, { option: 'instalment-48', request: 'abcdefgh2' });
    expect(long.statusCode).toBe(400);
    const request = requestOf(preview.body, 'plan');
    const first = await post(`/s/${token}/plan`, { option: option.id, request });
    expect(first.statusCode).toBe(201);
    const again = await post(`/s/${token}/plan`, { option: option.id, request });
    expect(again.statusCode).toBe(200);
    const acc = (await p.plans.accounts([account])).get(account)!;
    expect(acc.openPlanId).not.toBeNull();
    const plan = (await p.plans.get(acc.openPlanId!))!;
    expect(plan).toMatchObject({
      kind: 'instalment',
      status: 'active',
      proposedBy: 'self-service',
    });
    expect(plan.termDays).toBeLessThanOrEqual(maxTerm);
    const count = await p.db.query<{ n: string }>(
      'SELECT count(*) AS n FROM plans p JOIN accounts a ON a.id = p.account_id WHERE a.external_id = $1',
      [account],
    );
    expect(Number(count.rows[0]!.n)).toBe(1);
    // the page now shows the plan and offers no other
    const after = (await get(`/api/self-service/${token}`)).json() as {
      options: unknown[];
      openPlan: { status: string };
    };
    expect(after.options).toEqual([]);
    expect(after.openPlan.status).toBe('active');
    const refused = await get(`/s/${token}/plan?option=${option.id}`);
    expect(refused.statusCode).toBe(400);
  });

  it('refuses a plan outside what the policy allows a customer acting alone', async () => {
    const account = en[3]!.account;
    const token = await link(account);
    const before = (await get(`/api/self-service/${token}`)).json() as {
      options: { id: string }[];
    };
    expect(before.options.length).toBeGreaterThan(0);
    // the tightest limits now require a payment of at least 60% of the arrears
    const policy = await p.plans.policy();
    const saved = JSON.parse(JSON.stringify(policy)) as typeof policy;
    const admin = { user: 'admin', role: 'administrator' as const };
    await setPlanPolicy(
      deps().plans,
      {
        ...policy,
        limits: {
          ...policy.limits,
          field_agent: { ...policy.limits.field_agent!, minPaymentPercent: 60 },
        },
      },
      admin,
    );
    try {
      const view = (await get(`/api/self-service/${token}`)).json() as {
        options: { id: string }[];
      };
      expect(view.options.filter((o) => o.id.startsWith('instalment'))).toEqual([]);
      const r = await post(`/s/${token}/plan`, { option: 'instalment-3', request: 'abcdefgh3' });
      expect(r.statusCode).toBe(400);
      expect(r.body).toContain('payment');
      expect((await p.plans.accounts([account])).get(account)!.openPlanId).toBeNull();
    } finally {
      await setPlanPolicy(deps().plans, saved, admin);
    }
  });

  it('records an opt-out and the hours we may call, once', async () => {
    const c = en[4]!;
    const token = await link(c.account);
    const request = requestOf((await get(`/s/${token}`)).body, 'preferences');
    const form = { optOut: ['sms', 'email'], hoursFrom: '18:00', hoursTo: '21:00', request };
    expect((await post(`/s/${token}/preferences`, form)).statusCode).toBe(201);
    expect((await post(`/s/${token}/preferences`, form)).statusCode).toBe(200);
    const prefs = await p.db.query<{ kind: string; channel: string | null; value: string | null }>(
      `SELECT kind, channel, value FROM contact_preferences cp JOIN customers c ON c.id = cp.customer_id
       WHERE c.name = $1 AND cp.source = 'self-service page' ORDER BY cp.id`,
      [c.name],
    );
    expect(prefs.rows).toEqual([
      { kind: 'opt_out', channel: 'sms', value: null },
      { kind: 'opt_out', channel: 'email', value: null },
      { kind: 'inconvenient_time', channel: null, value: '00:00-18:00' },
      { kind: 'inconvenient_time', channel: null, value: '21:00-24:00' },
    ]);
    // the same form sent twice at once is done once
    const twice = await Promise.all(
      [1, 2].map(() =>
        post(`/s/${token}/preferences`, { optOut: 'letter', request: 'samekey-at-once' }),
      ),
    );
    expect(twice.map((r) => r.statusCode)).toContain(201);
    for (const r of twice) expect([200, 201, 409]).toContain(r.statusCode);
    const letters = await p.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM contact_preferences cp JOIN customers c ON c.id = cp.customer_id
       WHERE c.name = $1 AND cp.channel = 'letter'`,
      [c.name],
    );
    expect(Number(letters.rows[0]!.n)).toBe(1);
    const bad = await post(`/s/${token}/preferences`, {
      hoursFrom: '21:00',
      hoursTo: '18:00',
      request: 'abcdefgh4',
    });
    expect(bad.statusCode).toBe(400);
  });

  it('places a hold and creates a review task for a hardship statement, once', async () => {
    const account = en[5]!.account;
    const token = await link(account);
    const request = requestOf((await get(`/s/${token}`)).body, 'statement');
    const form = { kind: 'hardship', text: 'I lost my job last month.', request };
    const first = await post(`/s/${token}/statement`, form);
    expect(first.statusCode).toBe(201);
    expect((await post(`/s/${token}/statement`, form)).statusCode).toBe(200);
    const holds = await p.db.query<{ kind: string; from_date: string }>(
      `SELECT h.kind, h.from_date::text AS from_date FROM holds h JOIN accounts a ON a.id = h.account_id
       WHERE a.external_id = $1`,
      [account],
    );
    expect(holds.rows).toEqual([{ kind: 'hardship', from_date: AS_OF }]);
    const tasks = await p.db.query<{ kind: string; source: string; reason: string }>(
      `SELECT t.kind, t.source, t.reason FROM tasks t JOIN accounts a ON a.id = t.account_id
       WHERE a.external_id = $1 AND t.source = 'review'`,
      [account],
    );
    expect(tasks.rows).toHaveLength(1);
    expect(tasks.rows[0]).toMatchObject({ kind: 'review', source: 'review' });
    expect(tasks.rows[0]!.reason).toContain('hardship');
  });

  it('records a payment intent with a reference, once', async () => {
    const account = zh.account;
    const token = await link(account);
    const request = requestOf((await get(`/s/${token}`)).body, 'payment');
    const first = await post(`/s/${token}/payment`, { amount: '30.00', request });
    expect(first.statusCode).toBe(201);
    const reference = /RP-[0-9A-Z]{6,}/.exec(first.body)![0];
    // sent twice at once: one intent
    const both = await Promise.all(
      [1, 2].map(() => post(`/s/${token}/payment`, { amount: '5.00', request: 'pay-at-once-1' })),
    );
    expect(both.map((r) => r.statusCode).sort()).toEqual([200, 201]);
    const again = await post(`/s/${token}/payment`, { amount: '30.00', request });
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain(reference);
    const rows = await p.db.query<{ amount: string; reference: string; status: string }>(
      `SELECT i.amount, i.reference, i.status FROM payment_intents i JOIN accounts a ON a.id = i.account_id
       WHERE a.external_id = $1 ORDER BY i.id`,
      [account],
    );
    expect(rows.rows.map((r) => [Number(r.amount), r.status])).toEqual([
      [3000, 'recorded'],
      [500, 'recorded'],
    ]);
    expect(rows.rows[0]!.reference).toBe(reference);
    // more than is owed is refused
    const big = await post(`/s/${token}/payment`, { amount: '99999999.00', request: 'abcdefgh5' });
    expect(big.statusCode).toBe(400);
    // the page lists it
    expect((await get(`/s/${token}`)).body).toContain(reference);
  });

  it('puts a signed link to the page in messages', async () => {
    const account = en[0]!.account;
    const template = DEFAULT_TEMPLATES.find((t) => t.body.includes('{{payment_link}}'))!;
    const msg = renderMessage(
      {
        id: 1,
        key: 'k1',
        accountExt: account,
        channel: template.channel,
        template: template.id,
        plannedFor: AS_OF,
      } as never,
      {
        language: 'en',
        address: 'a@b.example',
        customerName: 'Ann',
        currency: 'USD',
        arrears: 100,
        nextDue: 0,
        outstanding: 100,
        dueDate: AS_OF,
        pastDueDays: 3,
        bill: [],
      } as never,
      [{ ...template, language: 'en' }],
      { companyName: 'Lender', publicUrl: 'https://pay.example', links: p.links },
      clock.now(),
    );
    if (typeof msg === 'string') throw new Error(msg);
    const url = /https:\/\/pay\.example\/s\/([A-Za-z0-9_.-]+)/.exec(msg.text)![1]!;
    expect((await get(`/s/${url}`)).statusCode).toBe(200);
  });
});
