/** Strategy versions and the planning step of the daily cycle, on the engine under test. */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvFolderSource } from '../../src/adapters/files/csv-source.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { runCycles } from '../../src/app/cycle/run-cycle.ts';
import { importPortfolio } from '../../src/app/import/import-portfolio.ts';
import {
  diffVersions,
  publishSource,
  publishVersion,
  retireVersion,
  saveDraft,
} from '../../src/app/strategy/strategies.ts';
import { reviewStrategy } from '../../src/app/strategy/review.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const STRATEGY = `
id: default
name: Test policy
segments:
  - id: soon
    stage: pre_due
    when: account.bucket == "current" && account.days_to_due >= 0 && account.days_to_due <= 3
    steps:
      - { id: reminder, offset: -2, channel: sms, template: pre_due_reminder }
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
      - { id: notice, offset: 0, channel: sms, template: overdue_notice_1 }
      - { id: call, offset: 2, channel: phone, template: m1_call, priority: 60 }
  - id: m2
    stage: overdue
    when: account.bucket == "M2"
    steps:
      - { id: letter, offset: 0, channel: letter, template: demand_letter_1 }
`;

/** A1 is due 03-10 and never pays; A2 pays on time; A3 is on hold from 03-12. */
const FILES = {
  'customers.csv': csv('customer_id,name,timezone,language,jurisdiction', 'C1,Ann Lee,UTC,en,US'),
  'accounts.csv': csv(
    'account_id,customer_id,product,currency,principal,opened_on',
    'A1,C1,loan,USD,100.00,2026-01-01',
    'A2,C1,loan,USD,100.00,2026-01-01',
    'A3,C1,loan,USD,100.00,2026-01-01',
  ),
  'instalments.csv': csv(
    'account_id,seq,due_date,principal_due',
    'A1,1,2026-03-10,100.00',
    'A2,1,2026-03-10,100.00',
    'A3,1,2026-03-10,100.00',
  ),
  'payments.csv': csv('payment_id,account_id,paid_on,amount', 'P1,A2,2026-03-09,100.00'),
  'holds.csv': csv('account_id,kind,from,to', 'A3,hardship,2026-03-12,'),
};

describe(`strategies (${ENGINE})`, () => {
  let p: Platform;
  const clock = fixedClock('2026-03-01T00:00:00Z');
  const deps = () => ({ cycles: p.cycles, policies: p.policies, clock, planner: p.planner });
  const publish = {
    by: 'Mia (strategy manager)',
    reason: 'first policy',
    effectiveFrom: '2026-03-01',
  };

  async function actions() {
    const r = await p.db.query<{
      account: string;
      planned_for: string;
      step_id: string;
      status: string;
      key: string;
    }>(
      `SELECT a.external_id AS account, pa.planned_for, pa.step_id, pa.status, pa.idempotency_key AS key
       FROM planned_actions pa JOIN accounts a ON a.id = pa.account_id ORDER BY 1, 2, 3`,
    );
    return r.rows;
  }

  async function digest() {
    const parts = await Promise.all([
      actions(),
      p.db.query(
        'SELECT account_id, on_date, segment_id, bucket, exit_reason FROM strategy_path_events ORDER BY 1, 2',
      ),
      p.db.query(
        'SELECT account_id, segment_id, bucket, entered_on FROM strategy_assignments ORDER BY 1',
      ),
    ]);
    return createHash('sha256')
      .update(JSON.stringify([parts[0], parts[1].rows, parts[2].rows]))
      .digest('hex');
  }

  beforeAll(async () => {
    p = await openTestPlatform(clock);
    expect((await importPortfolio(new CsvFolderSource(folderWith(FILES)), p.imports)).status).toBe(
      'imported',
    );
  });
  afterAll(async () => {
    await p?.close();
  });

  it('plans nothing before a strategy is published', async () => {
    const [r] = await runCycles(deps(), { from: '2026-03-01', to: '2026-03-01' });
    expect(r).toMatchObject({ strategyVersionId: null, actions: 0 });
  });

  it('versions strategies: drafts, publishing, effective dates, roll back, retire, diff', async () => {
    const draft = await saveDraft(p.strategies, STRATEGY, 'Mia');
    expect(draft).toMatchObject({ strategyId: 'default', version: 1, status: 'draft' });
    const v1 = await publishVersion(p.strategies, 'default', 1, publish);
    expect(v1).toMatchObject({
      version: 1,
      status: 'published',
      effectiveFrom: '2026-03-01',
      publishedBy: publish.by,
    });
    const v2 = await publishSource(
      p.strategies,
      STRATEGY.replace('offset: 2, channel: phone', 'offset: 1, channel: phone'),
      {
        ...publish,
        reason: 'call a day earlier',
        effectiveFrom: '2026-06-01',
      },
    );
    expect(v2.version).toBe(2);
    expect((await p.strategies.inForce('default', '2026-05-31'))?.version).toBe(1);
    expect((await p.strategies.inForce('default', '2026-06-01'))?.version).toBe(2);
    const diff = await diffVersions(p.strategies, 'default', 1, 2);
    expect(diff.filter((l) => l.op !== ' ')).toEqual([
      {
        op: '-',
        text: '      - { id: call, offset: 2, channel: phone, template: m1_call, priority: 60 }',
      },
      {
        op: '+',
        text: '      - { id: call, offset: 1, channel: phone, template: m1_call, priority: 60 }',
      },
    ]);
    // Roll back: v1 published again as v3, in force from 07-01.
    const v3 = await publishVersion(p.strategies, 'default', 1, {
      ...publish,
      reason: 'roll back',
      effectiveFrom: '2026-07-01',
    });
    expect(v3).toMatchObject({ version: 3, source: STRATEGY });
    expect((await p.strategies.inForce('default', '2026-07-02'))?.version).toBe(3);
    await retireVersion(p.strategies, 'default', 3);
    expect((await p.strategies.inForce('default', '2026-07-02'))?.version).toBe(2);
    await expect(retireVersion(p.strategies, 'default', 3)).rejects.toThrow(
      /only a published version/,
    );
    await expect(
      publishSource(p.strategies, 'id: x\nname: y\nsegments: []\n', publish),
    ).rejects.toThrow('the strategy is not valid');
  });

  it('plans each day: pre-due steps, entry into segments, offsets, exits', async () => {
    await runCycles(deps(), { from: '2026-03-01', to: '2026-04-15' });
    const rows = (await actions()).map((a) => `${a.account} ${a.planned_for} ${a.step_id}`);
    expect(rows).toEqual([
      // all three get the reminder two days before 03-10
      'A1 2026-03-08 reminder',
      // A1: M1 from 03-11 (notice), call 2 days later, M2 from 04-10 (31 days), a letter
      'A1 2026-03-11 notice',
      'A1 2026-03-13 call',
      'A1 2026-04-10 letter',
      'A2 2026-03-08 reminder',
      // A3 enters M1 on 03-11; its hold takes it off its path before the call
      'A3 2026-03-08 reminder',
      'A3 2026-03-11 notice',
    ]);
    const exits = await p.db.query<{ account: string; on_date: string; exit_reason: string }>(
      `SELECT a.external_id AS account, e.on_date, e.exit_reason FROM strategy_path_events e
       JOIN accounts a ON a.id = e.account_id WHERE e.exit_reason IS NOT NULL ORDER BY 1, 2`,
    );
    // A2 is paid up once its payment lands; A1 and A3 stay in "soon" on the due day itself
    // and enter M1 the day after. A3's hold from 03-12 covers the days after it: off its path
    // from 03-13, the day its call would have been due.
    expect(exits.rows).toEqual([
      { account: 'A2', on_date: '2026-03-09', exit_reason: 'paid_up' },
      { account: 'A3', on_date: '2026-03-13', exit_reason: 'hold' },
    ]);
    expect((await actions())[0]!.key).toBe('default@1/A1/soon/reminder/2026-03-08');
  });

  it('reviews a version: entries, cures, collections, actions, responses, costs, idle steps', async () => {
    const [review] = await reviewStrategy(p, 'default', '2026-03-01', '2026-03-31');
    expect(review).toMatchObject({ version: 1, responseWindowDays: 7 });
    const soon = review!.segments.find((s) => s.segmentId === 'soon')!;
    // All three enter "soon" on 03-07 (3 days before due); A2's payment on 03-09 ends its stay.
    expect(soon).toMatchObject({ entered: 3, cured: 0, collected: { USD: 10000 } });
    expect(soon.steps).toEqual([
      expect.objectContaining({
        stepId: 'reminder',
        planned: 3,
        responders: 1,
        cost: 15,
        flag: null,
      }),
    ]);
    const m1 = review!.segments.find((s) => s.segmentId === 'm1')!;
    expect(m1).toMatchObject({ entered: 2, cured: 0, collected: {} });
    expect(m1.steps.map((s) => [s.stepId, s.planned, s.flag])).toEqual([
      ['call', 1, 'moved nothing: none of 1 accounts paid within 7 days'],
      ['notice', 2, 'moved nothing: none of 2 accounts paid within 7 days'],
    ]);
    expect(review!.costByChannel).toEqual({ sms: 25, phone: 150 });
  });

  it('re-running a day or replaying from an earlier day plans the same, with no duplicates', async () => {
    const before = await digest();
    await runCycles(deps(), { from: '2026-04-15', to: '2026-04-15' });
    expect(await digest()).toBe(before);
    await runCycles(deps(), { from: '2026-03-09', to: '2026-03-09' });
    expect(await digest()).toBe(before);
  });
});
