/**
 * bench:console: how fast the web console's overview opens on the demo portfolio. Prepares the
 * demo once (the same steps as `npm start`, 10,000 accounts by default; `--accounts N`) in
 * .bench/console-<N>, serves it with the built console, and opens the overview in Debian's
 * Chromium (headless) from a cold browser (no cache) and again warm, reporting each load from
 * navigation to the figures shown and the chart drawn, and the size of what was downloaded.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { buildServer } from '../src/adapters/http/server.ts';
import { openPlatform } from '../src/adapters/platform.ts';
import { prepareDemo } from '../src/adapters/cli/main.ts';
import { ensureConsole } from '../src/adapters/cli/console-build.ts';
import { DEMO_PASSWORD } from '../src/adapters/cli/demo-users.ts';
import { Progress } from '../src/adapters/cli/progress.ts';
import { BENCH_DIR, machine } from './lib.ts';

const i = process.argv.indexOf('--accounts');
const accounts = i > 0 ? Number(process.argv[i + 1]) : 10_000;
const runs = 5;
const dir = join(BENCH_DIR, `console-${accounts}`);

await ensureConsole();
const fresh = !existsSync(dir);
const p = await openPlatform({ databaseUrl: undefined, dataDir: dir, timezone: 'UTC' });
const t0 = performance.now();
await prepareDemo(p, { accounts, folder: join(dir, 'demo-portfolio') }, new Progress());
if (fresh)
  console.log(
    `demo of ${accounts} accounts prepared in ${((performance.now() - t0) / 1000).toFixed(0)} s`,
  );
const server = await buildServer(p, { demoPassword: DEMO_PASSWORD });
await server.listen({ port: 0, host: '127.0.0.1' });
const address = server.server.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await chromium.launch({
  executablePath: process.env.RECOUP_CHROMIUM ?? '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--no-first-run',
  ],
});

const cold: number[] = [];
const warm: number[] = [];
let bytes = 0;
for (let r = 0; r < runs; r++) {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  await context.request.post(`${url}/api/auth/login`, {
    data: { username: 'demo-admin', password: DEMO_PASSWORD },
  });
  const page = await context.newPage();
  let received = 0;
  page.on('response', (res) => {
    void res.body().then(
      (b) => void (received += Number(res.headers()['content-length'] ?? b.length)),
      () => {},
    );
  });
  for (const list of [cold, warm]) {
    const s = performance.now();
    await page.goto(`${url}/#/overview`);
    if (list === warm) await page.reload();
    await page.waitForSelector('[data-testid=total-accounts]');
    await page.waitForSelector('canvas');
    list.push(performance.now() - s);
    if (list === cold && r === 0 && process.argv.includes('--detail'))
      console.log(
        await page.evaluate(() =>
          performance
            .getEntriesByType('resource')
            .map((e) => {
              const x = e as unknown as {
                name: string;
                startTime: number;
                duration: number;
                transferSize: number;
              };
              return `${x.startTime.toFixed(0).padStart(5)} +${x.duration.toFixed(0).padStart(4)} ms ${String(x.transferSize).padStart(7)} B ${x.name.replace(/^https?:\/\/[^/]+/, '')}`;
            })
            .join('\n'),
        ),
      );
  }
  bytes = Math.max(bytes, received);
  await context.close();
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[]) =>
  `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
console.log(`machine: ${JSON.stringify(machine())}`);
console.log(`overview, ${accounts} accounts, embedded engine, ${runs} runs`);
console.log(`  cold (new browser context, nothing cached): ${fmt(cold)}`);
console.log(`  warm (reload, files cached):                ${fmt(warm)}`);
console.log(`  downloaded on a cold load: ${(bytes / 1024).toFixed(0)} kB (gzip where compressed)`);
await browser.close();
await server.close();
await p.close();
