/**
 * Builds the web console when its sources changed since the last build (a hash of the sources
 * kept beside the build), so `npm start` on a fresh clone serves an up-to-date console without
 * a separate step. Without Vite (an install without development packages) an existing build is
 * served as it is.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const ROOT = new URL('../../../', import.meta.url).pathname;
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const HASH_FILE = join(DIST, '.build-hash');
/** What the build reads: the console's sources and the shared rules it imports. */
const SOURCES = [
  join(WEB, 'src'),
  join(WEB, 'index.html'),
  join(WEB, 'vite.config.ts'),
  join(ROOT, 'src/domain/access'),
  join(ROOT, 'package-lock.json'),
];

function files(path: string): string[] {
  if (!existsSync(path)) return [];
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .sort()
    .flatMap((f) => files(join(path, f)))
    .filter((f) => !f.endsWith('.test.ts'));
}

export function sourceHash(): string {
  const h = createHash('sha256');
  for (const f of SOURCES.flatMap(files)) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  return h.digest('hex');
}

export function consoleIsCurrent(): boolean {
  return existsSync(HASH_FILE) && readFileSync(HASH_FILE, 'utf8').trim() === sourceHash();
}

/** Builds the console if it is missing or stale; says what it did. */
export async function ensureConsole(
  force = false,
  say: (s: string) => void = () => {},
): Promise<'current' | 'built' | 'unavailable'> {
  if (!force && consoleIsCurrent()) return 'current';
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    return 'unavailable';
  }
  say('building the web console');
  const hash = sourceHash();
  // a production build whatever the caller's NODE_ENV (the test runner sets "test", which
  // would give React's development build)
  const env = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await vite.build({
      configFile: join(WEB, 'vite.config.ts'),
      mode: 'production',
      logLevel: 'warn',
    });
  } finally {
    if (env === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = env;
  }
  writeFileSync(HASH_FILE, hash + '\n');
  return 'built';
}
