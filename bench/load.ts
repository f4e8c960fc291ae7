/**
 * `npm run bench:load [-- --accounts 1000000 --clients 200 --gap 2 --workers 2 --partitions 16 --keep]`
 *
 * The API under load while the daily cycle runs, on the PostgreSQL server: the portfolio of
 * bench:scale (the same schema, `bench_scale_<n>`), its last cycled day's calls made into tasks
 * in the queues of `--clients` collectors, the API server in a process of its own (as
 * bench:workspace: every collector signed in with a session). Then `--workers` worker processes
 * start, the next business day is queued for them, and while it runs every collector works
 * as at the desk, each on a keep-alive connection of its own: take the next account
 * (`POST /api/desk/next`), open the customer's file (`GET /api/customers/:id`), read the
 * contact history (`GET /api/customers/:id/timeline`), look at the own task list
 * (`GET /api/desk/tasks`) and give the task back, with a pause before each request drawn from
 * an exponential distribution of mean `--gap` seconds. The clients run from the moment the day
 * is queued until its last partition is done; the report gives the throughput and the
 * latencies (50th, 90th, 99th percentile, maximum) of all requests and of each endpoint.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import { cycleQueued, enqueueCycle } from '../src/adapters/cycle-runtime.ts';
import { addDays } from '../src/domain/time/date.ts';
import {
  args,
  benchSession,
  cycledPortfolio,
  freshPlatform,
  keep,
  machine,
  option,
  prepareBenchDay,
  record,
  saveBenchDesks,
  s,
  spawnWorker,
} from './lib.ts';

const get = (name: string, dflt: number) => Number(option(name) ?? dflt);
if (!process.argv.includes('--accounts')) process.argv.push('--accounts', '1000000');
const n = args().accounts[0]!;
const clients = get('clients', 200);
const gap = get('gap', 2);
const workers = get('workers', 2);
const partitions = get('partitions', 16);
const PORT = 3918;
const schema = `bench_scale_${n}`;

const p = await freshPlatform('postgres', schema, keep);
const children: ChildProcess[] = [];
try {
  await cycledPortfolio(p, n, partitions);
  const day = (await p.cycles.lastCycled())!;
  // the desk's clock: the afternoon of the last cycled day, when the calling hours are open in
  // Shanghai, London and New York
  const at = `${day}T13:30:00Z`;
  const [{ c: tasks }] = (
    await p.db.query<{ c: number }>(
      `SELECT count(*)::int AS c FROM tasks
       WHERE kind = 'call' AND state IN ('open', 'assigned') AND due_on = $1::date`,
      [day],
    )
  ).rows as [{ c: number }];
  // the desks' calls of the day (each run of bench:scale or bench:load cycles a new day)
  if (tasks === 0) {
    await saveBenchDesks(p, clients);
    const r = await prepareBenchDay(p, day, new Date(`${day}T06:00:00Z`));
    process.stderr.write(`queues: ${JSON.stringify(r.queues)}\n`);
    // the dispatches prepared with the queues are not sent in this benchmark
    await p.db.query(`DELETE FROM jobs WHERE kind <> 'cycle'`);
  }
  await p.db.query('UPDATE tasks SET locked_by = NULL, locked_until = NULL, not_before = NULL');
  await p.db.exec('VACUUM ANALYZE tasks');

  const server = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/workspace-server.ts', schema, at, String(PORT)],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(server);
  await new Promise<void>((resolve, reject) => {
    server.stdout!.on('data', (b: Buffer) => {
      if (b.toString().includes('listening')) resolve();
    });
    server.once('exit', (code) => reject(new Error(`the server stopped (${code})`)));
  });
  for (let i = 0; i < workers; i++) children.push(spawnWorker(schema));
  await new Promise((r) => setTimeout(r, 4000));

  const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
  const latencies = new Map<string, number[]>();
  const statuses = new Map<number, number>();
  let errors = 0;
  const call = (method: 'GET' | 'POST', path: string, route: string, collector: string) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const t0 = performance.now();
      const session = benchSession(collector);
      const req = http.request(
        {
          host: '127.0.0.1',
          port: PORT,
          path,
          method,
          agent,
          headers: {
            cookie: `recoup_session=${session.token}`,
            'x-csrf-token': session.csrf,
            ...(method === 'POST' ? { 'content-type': 'application/json' } : {}),
          },
        },
        (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => {
            const list = latencies.get(route) ?? [];
            list.push(performance.now() - t0);
            latencies.set(route, list);
            statuses.set(res.statusCode ?? 0, (statuses.get(res.statusCode ?? 0) ?? 0) + 1);
            resolve({ status: res.statusCode ?? 0, body });
          });
        },
      );
      req.on('error', reject);
      req.end(method === 'POST' ? '{}' : undefined);
    });
  let seed = 2026;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) + 1) / (2 ** 31 + 1);
  const pause = () => new Promise((r) => setTimeout(r, -Math.log(random()) * gap * 1000));

  const next = addDays(day, 1);
  let running = true;
  const t0 = performance.now();
  await enqueueCycle(p, { from: next, to: next }, partitions, 'none');
  const desk = Array.from({ length: clients }, async (_, i) => {
    const collector = `collector-${i + 1}`;
    while (running) {
      try {
        await pause();
        if (!running) return;
        const r = await call('POST', '/api/desk/next', 'POST /api/desk/next', collector);
        const task =
          r.status === 200
            ? (JSON.parse(r.body) as { task: { id: number; customer: { id: string } } | null }).task
            : null;
        if (!task) continue;
        const id = encodeURIComponent(task.customer.id);
        await pause();
        await call('GET', `/api/customers/${id}`, 'GET /api/customers/:id', collector);
        await pause();
        await call(
          'GET',
          `/api/customers/${id}/timeline`,
          'GET /api/customers/:id/timeline',
          collector,
        );
        await pause();
        await call('GET', '/api/desk/tasks', 'GET /api/desk/tasks', collector);
        await call(
          'POST',
          `/api/desk/tasks/${task.id}/release`,
          'POST /api/desk/tasks/:id/release',
          collector,
        );
      } catch {
        errors++;
      }
    }
  });
  while (await cycleQueued(p)) await new Promise((x) => setTimeout(x, 200));
  const cycleSeconds = (performance.now() - t0) / 1000;
  running = false;
  await Promise.all(desk);
  agent.destroy();

  const pct = (xs: number[], q: number) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return s(sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!);
  };
  const summary = (xs: number[]) => ({
    requests: xs.length,
    perSecond: s(xs.length / cycleSeconds),
    p50Ms: pct(xs, 0.5),
    p90Ms: pct(xs, 0.9),
    p99Ms: pct(xs, 0.99),
    maxMs: pct(xs, 1),
  });
  const all = [...latencies.values()].flat();
  record({
    bench: 'load',
    engine: 'postgres',
    accounts: n,
    clients,
    meanSecondsBetweenRequests: gap,
    workers,
    partitions,
    cores: machine().cores,
    day: next,
    cycleSeconds: s(cycleSeconds),
    all: summary(all),
    byEndpoint: Object.fromEntries([...latencies].map(([k, v]) => [k, summary(v)])),
    statuses: Object.fromEntries(statuses),
    errors,
  });
} finally {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await Promise.all(children.filter((c) => c.exitCode === null).map((c) => once(c, 'exit')));
  await p.close();
}
