/**
 * The API server of bench:workspace, in a process of its own: the platform on the bench's
 * schema with its clock stopped at the bench's instant (so that the customers callable then
 * are the same on every run), serving on the port given. Every collector is a user with a
 * session whose token and CSRF token the bench knows (`benchSession`), so each request goes
 * through the session check as a signed-in collector's would. Prints "listening" when ready.
 */
import { sessionExpiry } from '../src/domain/access/auth.ts';
import { sha256Hex } from '../src/adapters/crypto/secrets.ts';
import { buildServer } from '../src/adapters/http/server.ts';
import { openPlatform } from '../src/adapters/platform.ts';
import { benchSession, PG_URL } from './lib.ts';

const [schema, at, port] = process.argv.slice(2) as [string, string, string];
const now = new Date(at);
const p = await openPlatform(
  { databaseUrl: PG_URL, dataDir: '', timezone: 'UTC', schema },
  { now: () => now },
);
for (const c of await p.workspace.collectors()) {
  if (!(await p.access.user(c.id)))
    await p.access.createUser(
      { id: c.id, username: c.id, name: c.name, role: 'collector', locale: 'en', active: true },
      'bench',
      null,
      now,
    );
  const s = benchSession(c.id);
  await p.access.deleteSessionsOf(c.id);
  await p.access.createSession(
    {
      tokenHash: sha256Hex(s.token),
      userId: c.id,
      csrfToken: s.csrf,
      createdAt: now,
      seenAt: now,
      expiresAt: sessionExpiry(now, now),
    },
    { ip: null, userAgent: 'bench' },
  );
}
const app = await buildServer(p);
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('listening\n');
const stop = async () => {
  await app.close();
  await p.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
