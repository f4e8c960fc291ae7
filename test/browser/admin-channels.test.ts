/**
 * The Channels tab of the administration view in Chromium: each channel with its gateway, a
 * pause switch and a daily limit; a limit that is not a whole number is refused in place by its
 * field, and what is saved is what dispatch reads. Embedded engine only, like the console tests.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, openWorld, settled, shot, signIn, type World } from './harness.ts';

const required = process.env.RECOUP_BROWSER_TESTS === 'required';
const run = !process.env.DATABASE_URL && (browserAvailable() || required);

describe.skipIf(!run)('the Channels tab in Chromium', () => {
  let w: World;
  beforeAll(async () => {
    w = await openWorld();
  }, 900_000);
  afterAll(async () => w?.close());

  it('an administrator pauses SMS and limits e-mail, with the server’s errors by field', async () => {
    const { page, errors } = await signIn(w, 'demo-admin');
    await page.goto(`${w.url}/#/admin?tab=channels`);
    await settled(page);
    await page.waitForSelector('[data-testid=channel-paused-sms]');
    const text = await page.textContent('[data-testid=admin]');
    expect(text).toContain('Sandbox (recorded, not delivered)');
    expect(text).toContain('PDF letters');
    await page.check('[data-testid=channel-paused-sms]');
    await page.fill('[data-testid=channel-limit-email]', 'lots');
    await page.click('[data-testid=save-channels]');
    await page.waitForSelector('[role=alert]');
    expect(await page.textContent('[role=alert]')).toContain('body.channels.email.dailyLimit');
    expect((await w.platform.channelSettings.read()).sms.paused).toBe(false);
    await page.fill('[data-testid=channel-limit-email]', '250');
    await page.click('[data-testid=save-channels]');
    await page.waitForSelector('text=Saved');
    const saved = await w.platform.channelSettings.read();
    expect(saved.sms).toEqual({ paused: true, dailyLimit: null });
    expect(saved.email).toEqual({ paused: false, dailyLimit: 250 });
    await shot(page, 'admin-channels');
    expect(errors).toEqual([]);
  }, 120_000);
});
