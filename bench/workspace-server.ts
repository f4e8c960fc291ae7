/**
 * The API server of bench:workspace, in a process of its own: the platform on the bench's
 * schema with its clock stopped at the bench's instant (so that the customers callable then
 * are the same on every run), serving on the port given. Prints "listening" when ready.
 */
import { buildServer } from '../src/adapters/http/server.ts';
import { testServer } from '../test/support/auth.ts';
import { openPlatform } from '../src/adapters/platform.ts';
import { PG_URL } from './lib.ts';

const [schema, at, port] = process.argv.slice(2) as [string, string, string];
const now = new Date(at);
const p = await openPlatform(
  { databaseUrl: PG_URL, dataDir: '', timezone: 'UTC', schema },
  { now: () => now },
);
const app = await buildServer(p, testServer);
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('listening\n');
const stop = async () => {
  await app.close();
  await p.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
