/**
 * The web console in a real browser (Debian's Chromium, headless): each demo user sees only
 * the views of their role; the overview shows the demo portfolio, fast; a collector takes the
 * next task, records a conversation with a promise; a strategy manager edits the strategy,
 * sees the validation error in place, fixes it and publishes; the language switches to
 * Chinese. Screenshots of every main view are saved to test-results/screenshots.
 *
 * The console is engine-independent (the storage suites cover both engines), so this runs on
 * the embedded engine only. Without Chromium it is skipped, unless RECOUP_BROWSER_TESTS is
 * `required` (as in CI), where a missing browser fails.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS } from '../../src/adapters/cli/demo-users.ts';
import { homeView, VIEWS, viewsFor } from '../../src/domain/access/views.ts';
import {
  browserAvailable,
  openWorld,
  SCREENSHOTS,
  settled,
  shot,
  signIn,
  type World,
} from './harness.ts';

const required = process.env.RECOUP_BROWSER_TESTS === 'required';
const run = !process.env.DATABASE_URL && (browserAvailable() || required);

describe.skipIf(!run)('the web console in Chromium', () => {
  let w: World;
  beforeAll(async () => {
    if (!browserAvailable())
      throw new Error('Chromium is not installed (apt-get install -y chromium)');
    w = await openWorld();
    console.log(`screenshots of the console: ${SCREENSHOTS}`);
  }, 900_000);
  afterAll(async () => w?.close());

  it('each role sees only the views it may open, and the API refuses the rest', async () => {
    for (const u of DEMO_USERS) {
      const { page, errors } = await signIn(w, u.username);
      await page.waitForFunction('location.hash.length > 2');
      expect(new URL(page.url()).hash, u.username).toBe(`#/${homeView(u.role)}`);
      const shown = await page.$$eval('nav[aria-label=main] a', (as) =>
        as.map((a) => a.getAttribute('data-view')),
      );
      expect(shown, u.username).toEqual([...viewsFor(u.role)]);
      await settled(page);
      await shot(page, `home-${u.role}`);
      const forbidden = VIEWS.find((v) => !viewsFor(u.role).includes(v));
      if (forbidden) {
        await page.goto(`${w.url}/#/${forbidden}`);
        await page.waitForSelector('[data-testid=not-allowed]');
      }
      // the server enforces it too: only administrators list users
      const status = await page.evaluate(async () => (await fetch('/api/users')).status);
      expect(status, u.username).toBe(u.role === 'administrator' ? 200 : 403);
      expect(errors, u.username).toEqual([]);
      await page.context().close();
    }
  });

  it('the overview shows the demo portfolio', async () => {
    const { page, errors } = await signIn(w, 'demo-admin');
    const t0 = Date.now();
    await page.goto(`${w.url}/#/overview`, { waitUntil: 'commit' });
    await page.reload();
    await page.waitForSelector('[data-testid=total-accounts]');
    await page.waitForSelector('canvas');
    const ms = Date.now() - t0;
    // the figure to reach (under 2 s) is measured by `npm run bench:console` on the full demo;
    // here, on a loaded test machine, only a load that took far too long fails
    console.log(`overview first load (reload to figures and chart drawn): ${ms} ms`);
    expect(ms).toBeLessThan(10_000);
    const n = await w.platform.db.query<{ n: number }>('SELECT count(*)::int AS n FROM accounts');
    const shown = (await page.textContent('[data-testid=total-accounts]'))!.replace(/\D/g, '');
    expect(Number(shown)).toBe(Number(n.rows[0]!.n));
    expect(await page.locator('main table tbody tr').count()).toBeGreaterThan(5);
    // the daily cycle's panel: the demo's latest day, done in all of its partitions
    await page.waitForSelector('[data-testid=cycle-state]');
    expect(await page.textContent('[data-testid=cycle-state]')).toBe('Done');
    expect(await page.textContent('[data-testid=cycle-done]')).toMatch(/^(\d+) of \1$/);
    await shot(page, 'overview');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a collector takes the next task, records a conversation and a promise', async () => {
    const { page, errors } = await signIn(w, 'demo-collector');
    await page.waitForSelector('[data-testid=desk]');
    await page.click('[data-testid=next-task]');
    await page.waitForSelector('[data-testid=task-customer], [data-testid=no-task], main .error');
    await shot(page, 'desk-next');
    expect(await page.textContent('main')).not.toMatch(/no task for you|went wrong/i);
    await page.waitForSelector('[data-testid=script]');
    await page.waitForSelector('[data-testid=customer-file]');
    await settled(page);
    await shot(page, 'desk-task');
    const taskCustomer = (await page.textContent('[data-testid=task-customer]'))!;
    await page.click('[data-testid=start-call]');
    await page.waitForSelector('[data-testid=outcome]');
    await page.selectOption('[data-testid=outcome]', 'promise_to_pay');
    await page.fill('[data-testid=promise-amount]', '25.00');
    await page.fill('[data-testid=notes]', 'Spoke with the customer; will pay on Friday');
    await shot(page, 'desk-outcome');
    await page.click('[data-testid=record-outcome]');
    await page.waitForSelector('[data-testid=outcome-recorded]');
    const made = await w.platform.db.query<{ amount: number; made_by: string; name: string }>(
      `SELECT pr.amount::int AS amount, pr.made_by, c.name FROM promises pr
         JOIN customers c ON c.id = pr.customer_id ORDER BY pr.id DESC LIMIT 1`,
    );
    expect(made.rows[0]).toMatchObject({ made_by: 'collector-1' });
    expect(taskCustomer).toContain(made.rows[0]!.name);
    const done = await w.platform.db.query<{ outcome: string; state: string }>(
      `SELECT outcome, state FROM tasks WHERE outcome_at IS NOT NULL ORDER BY outcome_at DESC LIMIT 1`,
    );
    expect(done.rows[0]).toEqual({ outcome: 'promise_to_pay', state: 'done' });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('a strategy manager edits the strategy, sees the validation error, fixes it and publishes', async () => {
    const { page, errors } = await signIn(w, 'demo-strategy');
    await page.goto(`${w.url}/#/strategies/default/1`);
    await page.waitForSelector('[data-testid=strategy-source]');
    const source = await page.inputValue('[data-testid=strategy-source]');
    const broken = source.replace(/channel: sms/, 'channel: pigeon');
    expect(broken).not.toBe(source);
    await page.fill('[data-testid=strategy-source]', broken);
    await page.waitForSelector('[data-testid=validation-errors]');
    const message = (await page.textContent('[data-testid=validation-errors]'))!;
    expect(message).toMatch(/channel/);
    expect(message).toMatch(/Line \d+/);
    await shot(page, 'strategy-error');
    await expect(page.isDisabled('[data-testid=publish]')).resolves.toBe(true);
    const fixed = source.replace(/\n(\s*)name: ([^\n]*)/, '\n$1name: $2 (reviewed)');
    await page.fill('[data-testid=strategy-source]', fixed);
    await page.waitForSelector('text=The document is valid.');
    await page.fill('[data-testid=publish-reason]', 'Reviewed with the risk committee');
    await page.click('[data-testid=publish]');
    await page.waitForFunction("location.hash.startsWith('#/strategies/default/2')");
    await page.waitForSelector('text=Published');
    const v = await w.platform.db.query<{ status: string; publish_reason: string }>(
      `SELECT status, publish_reason FROM strategy_versions WHERE strategy_id = 'default' AND version = 2`,
    );
    expect(v.rows[0]).toEqual({
      status: 'published',
      publish_reason: 'Reviewed with the risk committee',
    });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('the language switches to Chinese, words, dates and money with it', async () => {
    const { page, errors } = await signIn(w, 'demo-admin');
    await page.goto(`${w.url}/#/overview`);
    await page.waitForSelector('[data-testid=total-accounts]');
    await page.selectOption('select[aria-label=Language]', 'zh-CN');
    await page.waitForSelector('nav[aria-label=main] >> text=总览');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await page.textContent('h1')).toContain('资产组合总览');
    await shot(page, 'overview-zh');
    // the choice is kept in the profile: signing in elsewhere speaks Chinese
    const u = await w.platform.access.userByUsername('demo-admin');
    expect(u?.locale).toBe('zh-CN');
    await page.selectOption('select[aria-label=语言]', 'en');
    await page.waitForSelector('nav[aria-label=main] >> text=Overview');
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('every main view opens without errors (screenshots), the field view on a phone', async () => {
    const { page, errors } = await signIn(w, 'demo-admin');
    for (const v of VIEWS) {
      await page.goto(`${w.url}/#/${v}`);
      await settled(page);
      expect(await page.locator('main .error').count(), v).toBe(0);
      // no figure the view failed to compute (NaN, undefined) reaches the page
      expect(await page.locator('main').innerText(), v).not.toMatch(/\bNaN\b|\bundefined\b/);
      await shot(page, `view-${v}`);
    }
    expect(errors).toEqual([]);
    await page.context().close();
    const phone = await signIn(w, 'demo-field', { width: 390, height: 844 });
    await settled(phone.page);
    await shot(phone.page, 'field-phone');
    expect(phone.errors).toEqual([]);
    await phone.page.context().close();
  });

  it("an administrator erases a customer's personal data from the file, giving the reason", async () => {
    const c = await w.platform.db.query<{ external_id: string }>(
      `SELECT c.external_id FROM customers c
       WHERE NOT EXISTS (SELECT 1 FROM tasks t WHERE t.customer_id = c.id) ORDER BY c.id DESC LIMIT 1`,
    );
    const file = `${w.url}/#/customers/${encodeURIComponent(c.rows[0]!.external_id)}`;
    const supervisor = await signIn(w, 'demo-supervisor');
    await supervisor.page.goto(file);
    await supervisor.page.waitForSelector('[data-testid=customer-file]');
    await settled(supervisor.page);
    expect(await supervisor.page.locator('[data-testid=erase]').count()).toBe(0);
    await supervisor.page.context().close();

    const { page, errors } = await signIn(w, 'demo-admin');
    await page.goto(file);
    await page.click('[data-testid=erase]');
    expect(await page.isDisabled('[data-testid=erase-confirm]')).toBe(true);
    await page.fill('[data-testid=erase-reason]', 'erasure request 7, by letter');
    await shot(page, 'customer-erase');
    await page.click('[data-testid=erase-confirm]');
    await page.waitForSelector('[data-testid=erased]');
    expect(await page.textContent('[data-testid=erased]')).toContain(
      'erasure request 7, by letter',
    );
    expect(await page.textContent('[data-testid=customer-file]')).toContain('[erased]');
    expect(await page.locator('[data-testid=erase]').count()).toBe(0);
    await shot(page, 'customer-erased');
    const row = await w.platform.db.query<{ name: string; phone: string | null }>(
      'SELECT name, phone FROM customers WHERE external_id = $1',
      [c.rows[0]!.external_id],
    );
    expect(row.rows[0]).toEqual({ name: '[erased]', phone: null });
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
