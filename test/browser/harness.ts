/**
 * The browser tests' world: a small demo portfolio prepared as `recoup start` prepares it, on
 * the embedded engine, served with the built console on a free port, and Debian's Chromium
 * driven headless by playwright-core. The clock is fixed at 15:00 UTC of today, when the demo's
 * English-desk customers (London, New York, Chicago, Los Angeles) may all be called.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildServer } from '../../src/adapters/http/server.ts';
import { openPlatform, type Platform } from '../../src/adapters/platform.ts';
import { prepareDemo } from '../../src/adapters/cli/main.ts';
import { ensureConsole } from '../../src/adapters/cli/console-build.ts';
import { DEMO_PASSWORD } from '../../src/adapters/cli/demo-users.ts';
import { Progress } from '../../src/adapters/cli/progress.ts';
import { fixedClock } from '../support/platform.ts';

export const CHROMIUM = process.env.RECOUP_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve('test-results/screenshots');

export interface World {
  platform: Platform;
  server: FastifyInstance;
  browser: Browser;
  url: string;
  dir: string;
  close(): Promise<void>;
}

export async function openWorld(accounts = 1200): Promise<World> {
  const built = await ensureConsole();
  if (built === 'unavailable') throw new Error('Vite is missing: the console cannot be built');
  const dir = mkdtempSync(join(tmpdir(), 'recoup-browser-'));
  const today = new Date().toISOString().slice(0, 10);
  const clock = fixedClock(`${today}T15:00:00Z`);
  const platform = await openPlatform(
    { databaseUrl: undefined, dataDir: dir, timezone: 'UTC' },
    clock,
  );
  await prepareDemo(platform, { accounts, folder: join(dir, 'demo-portfolio') }, new Progress());
  const server = await buildServer(platform, { demoPassword: DEMO_PASSWORD });
  await server.listen({ port: 0, host: '127.0.0.1' });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    platform,
    server,
    browser,
    url: `http://127.0.0.1:${port}`,
    dir,
    async close() {
      await browser.close();
      await server.close();
      await platform.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A new browser page signed in as a demo user; page errors fail the test that reads them. */
export async function signIn(
  w: World,
  username: string,
  viewport = { width: 1360, height: 900 },
): Promise<{ page: Page; errors: string[] }> {
  const context = await w.browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(w.url + '/');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', DEMO_PASSWORD);
  await page.click('button[type=submit]');
  await page.waitForSelector('nav[aria-label=main]');
  return { page, errors };
}

/** Waits until the view has loaded (no loading note left). */
export async function settled(page: Page): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.waitForFunction("!document.querySelector('main [role=status]')", null, {
    timeout: 30_000,
  });
}

export async function shot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const browserAvailable = () => existsSync(CHROMIUM);
