/**
 * Simulating a strategy version against the champion over the stored portfolio, over HTTP, on a
 * generated portfolio the size of the demo (5,000 accounts, 90 days); and its flow chart data.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import { buildServer } from '../../src/adapters/http/server.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import { testServer } from '../support/auth.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const DEFAULT = readFileSync('strategies/default.yaml', 'utf8');
/** A challenger: the first M1 call two days earlier. */
const CHALLENGER = DEFAULT.replace(/(- id: first_call\n\s+offset: )5/, '$13');
const AS_OF = '2026-04-30';
const clock = fixedClock('2026-04-30T12:00:00Z');
interface Step {
  stepId: string;
  channel: string;
  offset: number;
  actions: number;
}
interface Side {
  segments: { segmentId: string; entries: number; steps: Step[] }[];
  actions: Record<string, number>;
  [k: string]: unknown;
}
interface Body {
  accounts: number;
  candidate: Side & { vsChampion: { cureDifference: number }; cureRate: number };
  champion: Side & { cureRate: number };
  observed: Record<string, unknown>;
  [k: string]: unknown;
}
interface FlowNode {
  id: string;
  [k: string]: unknown;
}
const analyst = { 'x-recoup-user': 'ana', 'x-recoup-role': 'analyst' };

describe(`strategy simulation API (${ENGINE})`, () => {
  let p: Platform;
  let app: FastifyInstance;
  let body: Body;
  let elapsed = 0;

  beforeAll(async () => {
    expect(CHALLENGER).not.toBe(DEFAULT);
    p = await openTestPlatform(clock);
    const dir = mkdtempSync(join(tmpdir(), 'recoup-sim-'));
    await runGenerate({ accounts: 5000, seed: 42, asOf: AS_OF, out: dir });
    expect((await importPortfolio(new CsvFolderSource(dir), p.imports)).status).toBe('imported');
    app = await buildServer(p, testServer);
    const published = await app.inject({
      method: 'POST',
      url: '/api/strategies',
      payload: {
        source: DEFAULT,
        by: 'Mia',
        publish: { by: 'Mia', reason: 'launch', effectiveFrom: '2026-01-01' },
      },
    });
    expect(published.statusCode).toBe(201);
    const draft = await app.inject({
      method: 'POST',
      url: '/api/strategies',
      payload: { source: CHALLENGER, by: 'Mia' },
    });
    expect(draft.json()).toMatchObject({ version: 2, status: 'draft' });
    const t0 = performance.now();
    const r = await app.inject({
      method: 'POST',
      url: '/api/strategies/default/versions/2/simulate',
      payload: { from: '2026-01-30', to: AS_OF },
    });
    elapsed = performance.now() - t0;
    expect(r.statusCode).toBe(200);
    body = r.json();
  }, 240_000);
  afterAll(async () => {
    await app?.close();
    await p?.close();
  });

  it('runs the demo-sized portfolio for 90 days, both sides, within the bound', () => {
    console.log(`simulation of 5,000 accounts × 90 days, two versions: ${elapsed.toFixed(0)} ms`);
    expect(body).toMatchObject({ strategyId: 'default', from: '2026-01-30', to: AS_OF, days: 90 });
    expect(body.accounts).toBeGreaterThan(4000);
    expect(body.capacity).toEqual({
      phonePerDay: Math.round(body.accounts * 0.01),
      fieldVisitsPerDay: Math.round(body.accounts * 0.001),
    });
    expect(elapsed).toBeLessThan(30_000);
  });

  it('puts the candidate beside the champion in force, on the same accounts', () => {
    const { candidate, champion } = body;
    expect(champion).toMatchObject({ name: 'default:1', version: 1, status: 'published' });
    expect(candidate).toMatchObject({ name: 'default:2', version: 2, status: 'draft' });
    expect(candidate.accounts).toBe(champion.accounts);
    expect(candidate.delinquentAtStart).toBe(champion.delinquentAtStart);
    expect(champion.vsChampion).toBeNull();
    expect(candidate.vsChampion.cureDifference).toBeCloseTo(
      candidate.cureRate - champion.cureRate,
      12,
    );
    expect(champion.promises).toBeGreaterThan(0);
    expect(champion.cost).toBeGreaterThan(0);
  });

  it('counts actions per segment and step, adding up to the actions by channel', () => {
    for (const s of [body.candidate, body.champion]) {
      const byChannel: Record<string, number> = {};
      for (const seg of s.segments)
        for (const st of seg.steps)
          if (st.actions > 0) byChannel[st.channel] = (byChannel[st.channel] ?? 0) + st.actions;
      expect(byChannel).toEqual(s.actions);
      const entries = s.segments.reduce(
        (n: number, seg: Side['segments'][number]) => n + seg.entries,
        0,
      );
      expect(entries).toBeGreaterThan(0);
    }
    const m1 = body.candidate.segments.find((s) => s.segmentId === 'm1')!;
    expect(m1.steps.find((st) => st.stepId === 'first_call')!.offset).toBe(3);
  });

  it('sets beside them what the stored history shows for the same days', async () => {
    const r = await p.db.query<{ currency: string; amount: string }>(
      `SELECT a.currency, sum(p.amount)::text AS amount FROM payments p
       JOIN accounts a ON a.id = p.account_id
       WHERE p.paid_on > '2026-01-30' AND p.paid_on <= '2026-04-30'
         AND a.opened_on <= '2026-01-30'
       GROUP BY a.currency`,
    );
    expect(body.observed.collected).toEqual(
      Object.fromEntries(r.rows.map((x) => [x.currency.trim(), Number(x.amount)])),
    );
    expect(body.observed.accounts).toBe(body.accounts);
    expect(body.observed.delinquentAtStart).toBe(body.champion.delinquentAtStart);
    // no cycle has run: nothing was planned in the stored history
    expect(body.observed.actions).toEqual({});
  });

  it('lets an analyst run it, writes nothing to the audit log, refuses a collector', async () => {
    const before = await p.audit.head();
    const r = await app.inject({
      method: 'POST',
      url: '/api/strategies/default/versions/1/simulate',
      headers: analyst,
      payload: { days: 3 },
    });
    expect(r.statusCode).toBe(200);
    // the version in force is the candidate: nothing to compare with
    expect(r.json()).toMatchObject({ from: '2026-04-27', to: AS_OF, days: 3, champion: null });
    expect((await p.audit.head()).count).toBe(before.count);
    const refused = await app.inject({
      method: 'POST',
      url: '/api/strategies/default/versions/1/simulate',
      headers: { 'x-recoup-user': 'cy', 'x-recoup-role': 'collector' },
      payload: { days: 3 },
    });
    expect(refused.statusCode).toBe(403);
  });

  it('names the field of a bad range, refuses a run too large and an unknown version', async () => {
    const post = (payload: object, version = 2) =>
      app.inject({
        method: 'POST',
        url: `/api/strategies/default/versions/${version}/simulate`,
        payload,
      });
    const backwards = await post({ from: '2026-04-01', to: '2026-03-01' });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().details).toEqual([
      { at: 'body.to', reason: '2026-04-01 to 2026-03-01 is -31 days; it must be 1 to 366' },
    ]);
    const all = await post({ from: '2026-01-01', to: '2026-02-01', days: 3 });
    expect(all.json().details[0].at).toBe('body.days');
    const large = await post({ from: '2026-01-30', to: '2026-07-30' });
    expect(large.statusCode).toBe(400);
    expect(large.json().details[0]).toMatchObject({
      at: 'body.to',
      reason: expect.stringMatching(/account-days; ask for at most \d+ days$/),
    });
    const none = await post({ from: '2020-01-01', to: '2020-02-01' });
    expect(none.json().details).toEqual([
      { at: 'body.from', reason: 'no account was opened by 2020-01-01' },
    ]);
    expect((await post({ days: 3 }, 9)).statusCode).toBe(404);
  });

  it('gives the flow chart of a version as nodes and edges', async () => {
    const r = await app.inject('/api/strategies/default/versions/2/flow');
    expect(r.statusCode).toBe(200);
    const flow = r.json<{ nodes: FlowNode[]; edges: unknown[] }>();
    expect(flow).toMatchObject({ strategyId: 'default', version: 2, status: 'draft' });
    const call = flow.nodes.find((n) => n.id === 'step:m1/first_call');
    expect(call).toMatchObject({
      kind: 'step',
      channel: 'phone',
      offset: 3,
      day: 'day 3',
      onFail: { action: 'retry_next_day', max_retries: 2 },
    });
    expect(flow.edges).toContainEqual({
      from: 'condition:m1',
      to: 'segment:m1',
      kind: 'yes',
      label: 'yes',
    });
    expect((await app.inject('/api/strategies/default/versions/9/flow')).statusCode).toBe(404);
  });
});
