/**
 * 180 days of the demo portfolio with the default strategy: every day's actions go through
 * compliance and the channels (the sandbox for messages, simulated collectors and field agents
 * for calls and visits, all through the same use cases), then the audit decides every contact
 * made again under the rules in force when it was made. It must find no violation, while the
 * rules were busy refusing (so the audit is not vacuous).
 */
import { readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cycleDays, importFolder } from '../../src/adapters/cli/commands.ts';
import { runGenerate } from '../../src/adapters/cli/generate.ts';
import { seedDemoStaff } from '../../src/adapters/cli/dispatch-commands.ts';
import { Progress } from '../../src/adapters/cli/progress.ts';
import type { Platform } from '../../src/adapters/platform.ts';
import { auditContacts, complianceReport } from '../../src/app/compliance/audit.ts';
import { publishSource } from '../../src/app/strategy/strategies.ts';
import { addDays } from '../../src/domain/time/date.ts';
import { ENGINE, fixedClock, openTestPlatform } from '../support/platform.ts';

const TODAY = '2026-12-01';
const DAYS = 180;
// The whole demo portfolio is 10,000 accounts (RECOUP_AUDIT_ACCOUNTS=10000); CI runs 800 of it.
const ACCOUNTS = Number(process.env.RECOUP_AUDIT_ACCOUNTS ?? 800);
const FIRST = addDays(TODAY, -DAYS);

describe(`180 simulated days, audited (${ENGINE})`, () => {
  let p: Platform;
  const quiet = new (class extends Progress {
    override update(): void {}
    override done(): void {}
  })();

  beforeAll(
    async () => {
      p = await openTestPlatform(fixedClock(`${TODAY}T12:00:00Z`));
      const folder = mkdtempSync(join(tmpdir(), 'recoup-audit-'));
      await runGenerate({ accounts: ACCOUNTS, seed: 42, asOf: TODAY, out: folder });
      expect((await importFolder(p, folder, { progress: quiet })).status).toBe('imported');
      await seedDemoStaff(p);
      await publishSource(p.strategies, readFileSync('strategies/default.yaml', 'utf8'), {
        by: 'test',
        reason: 'the default policy',
        effectiveFrom: FIRST,
      });
      await cycleDays(p, { from: FIRST, to: addDays(TODAY, -1) }, quiet, 'simulate', {
        days: DAYS + 1,
        desk: { callsPerDay: Math.max(25, Math.round(ACCOUNTS / 32)), seed: 'audit' },
      });
    },
    Math.max(900_000, ACCOUNTS * 200),
  );

  afterAll(async () => {
    await p?.close();
  });

  it('contacted customers through every channel, and the rules refused some contacts', async () => {
    const r = await complianceReport(
      p.compliance,
      new Date(`${FIRST}T00:00:00Z`),
      new Date(`${TODAY}T00:00:00Z`),
    );
    const by = (ch: string) =>
      r.contactsByHour.filter((x) => x.channel === ch).reduce((n, x) => n + x.contacts, 0);
    expect(by('sms')).toBeGreaterThan(1000);
    expect(by('email')).toBeGreaterThan(100);
    expect(by('letter')).toBeGreaterThan(50);
    expect(by('phone')).toBeGreaterThan(500);
    expect(by('field_visit')).toBeGreaterThan(0);
    expect(r.decisions.denied).toBeGreaterThan(0);
    console.log(
      JSON.stringify({
        contacts: Object.fromEntries(
          ['sms', 'email', 'letter', 'phone', 'field_visit'].map((c) => [c, by(c)]),
        ),
        decisions: r.decisions,
        blocksByRule: r.blocksByRule.slice(0, 12),
      }),
    );
    // Contacts happen only within the hours, in every customer's own zone: 08:00-21:00 for the
    // US and UK, 08:00-22:00 in China (the audit below checks each contact against its own).
    for (const x of r.contactsByHour.filter((c) => c.channel !== 'letter')) {
      expect(x.hour).toBeGreaterThanOrEqual(8);
      expect(x.hour).toBeLessThan(22);
    }
  });

  it('the audit finds no contact that broke a rule in force when it was made', async () => {
    const a = await auditContacts(
      p.compliance,
      new Date(`${FIRST}T00:00:00Z`),
      new Date(`${TODAY}T00:00:00Z`),
    );
    expect(a.contacts).toBeGreaterThan(2000);
    expect(a.violations).toEqual([]);
    console.log(
      `audit: ${a.contacts} contacts of ${a.customers} customers, ${a.violations.length} violations`,
    );
  });
});
