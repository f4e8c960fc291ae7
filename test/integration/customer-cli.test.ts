/**
 * The customer file as a user runs it from the command line: search masked, a file in full
 * only for a role that may see it, a note and a tag, the timeline and the habits.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cliHarness } from '../support/cli.ts';
import { csv, folderWith } from '../support/files.ts';
import { ENGINE } from '../support/platform.ts';

const { recoup, cleanup } = cliHarness('customercli');
afterAll(cleanup);

describe(`customer commands (${ENGINE})`, () => {
  it('searches, shows, writes a note and a tag, and prints the timeline and habits', () => {
    const folder = folderWith({
      'customers.csv': csv(
        'customer_id,name,phone,email,timezone,language,jurisdiction',
        'C1,Ann Lee,+8613812345678,ann@example.com,Asia/Shanghai,zh-CN,CN',
        'C2,Bob Ray,+12125550103,,America/New_York,en,US',
      ),
      'accounts.csv': csv(
        'account_id,customer_id,product,currency,principal,opened_on',
        'A1,C1,loan,CNY,200.00,2026-01-01',
      ),
      'instalments.csv': csv(
        'account_id,seq,due_date,principal_due,interest_due,fees_due',
        'A1,1,2026-02-01,100.00,0,0',
        'A1,2,2026-03-01,100.00,0,0',
      ),
      'payments.csv': csv('payment_id,account_id,paid_on,amount', 'P1,A1,2026-02-01,100.00'),
    });
    expect(recoup('import', folder).code).toBe(0);

    const found = recoup('customer', 'search', '13812345678');
    expect(found.code).toBe(0);
    expect(found.out).toContain('C1');
    expect(found.out).toContain('Ann L***');
    expect(found.out).toContain('+861******5678');
    expect(found.out).not.toContain('13812345678');

    const masked = recoup('customer', 'show', 'C1');
    expect(masked.out).toContain('(masked)');
    expect(masked.out).not.toContain('ann@example.com');
    const refused = recoup('customer', 'show', 'C1', '--unmask');
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('FORBIDDEN');
    const full = recoup(
      'customer',
      'show',
      'C1',
      '--unmask',
      '--role',
      'collector',
      '--user',
      'mia',
    );
    expect(full.code).toBe(0);
    expect(full.out).toContain('+8613812345678');
    expect(full.out).toContain('ann@example.com');

    expect(
      recoup('customer', 'note', 'C1', 'Prefers WeChat', '--role', 'collector', '--user', 'mia')
        .code,
    ).toBe(0);
    expect(
      recoup('customer', 'tag', 'C1', 'VIP', '--role', 'supervisor', '--user', 'sam').out,
    ).toContain('tagged vip');
    const wrong = recoup('customer', 'tag', 'C1', 'two words', '--role', 'supervisor');
    expect(wrong.code).toBe(1);
    expect(wrong.err).toContain('tag:');

    const timeline = recoup('customer', 'timeline', 'C1');
    expect(timeline.code).toBe(0);
    expect(timeline.out).toContain('note by mia: Prefers WeChat');
    expect(timeline.out).toContain('paid 100.00 CNY (import)');
    expect(timeline.out).toMatch(/change .*tag added by sam/);

    const habits = recoup('customer', 'habits', 'C1', '--json');
    expect(habits.code).toBe(0);
    expect(JSON.parse(habits.out)).toMatchObject({
      payments: 1,
      usualPaymentDay: 1,
      lastPayment: { account: 'A1', paidOn: '2026-02-01', amountMinor: 10000, currency: 'CNY' },
    });
  }, 240_000);

  it("erases a customer's personal data once, lists the erasures and repeats them from the list", () => {
    const noReason = recoup('customer', 'erase', 'C1');
    expect(noReason.code).toBe(1);
    expect(noReason.err).toContain('reason: is required');
    const erased = recoup('customer', 'erase', 'C1', '--reason', 'request 42 by email');
    expect(erased.code).toBe(0);
    expect(erased.out).toMatch(/^erased the personal data of customer C1 \(\d+ rows\)/);
    const again = recoup('customer', 'erase', 'C1', '--reason', 'again');
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^customer C1 was erased on .* by cli:.*: nothing to do/);
    const shown = recoup('customer', 'show', 'C1', '--unmask', '--role', 'administrator');
    expect(shown.out).toContain('[erased]');
    expect(shown.out).toContain('DO NOT CONTACT');
    expect(shown.out).not.toMatch(/Ann|13812345678|ann@example.com|WeChat|VIP/i);

    const list = recoup('customer', 'erasures', '--json');
    expect(JSON.parse(list.out)).toMatchObject([
      { customer: 'C1', role: 'administrator', reason: 'request 42 by email' },
    ]);
    const file = join(folderWith({}), 'erasures.json');
    writeFileSync(file, list.out);
    const reapplied = recoup('customer', 'erase', '--reapply', '--from', file);
    expect(reapplied.code).toBe(0);
    expect(reapplied.out).toContain('C1               nothing to erase');
    expect(reapplied.out).toContain('1 erasures, 0 applied again');
  }, 240_000);
});
