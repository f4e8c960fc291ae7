/**
 * The web console's files, built by Vite into web/dist: `/` and `/index.html` give the page,
 * `/assets/*` the hashed scripts and styles (cached for a year; their names change with their
 * content). Only files found in the build at start are served, gzipped once in memory when the
 * browser accepts it. Without a build the server answers /api alone and `/` says how to build.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const CONSOLE_DIR = new URL('../../../web/dist/', import.meta.url).pathname;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

interface Asset {
  body: Buffer;
  gzip: Buffer | null;
  type: string;
}

function load(path: string): Asset {
  const body = readFileSync(path);
  const type = TYPES[extname(path)] ?? 'application/octet-stream';
  const gz =
    body.length > 1024 && !type.startsWith('image/png') ? gzipSync(body, { level: 9 }) : null;
  return { body, gzip: gz && gz.length < body.length ? gz : null, type };
}

function send(req: FastifyRequest, reply: FastifyReply, a: Asset, cache: string) {
  void reply
    .header('content-type', a.type)
    .header('cache-control', cache)
    .header('vary', 'accept-encoding');
  if (a.gzip && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? '')))
    return reply.header('content-encoding', 'gzip').send(a.gzip);
  return reply.send(a.body);
}

export function installConsole(app: FastifyInstance, dir: string = CONSOLE_DIR): boolean {
  const index = join(dir, 'index.html');
  const built = existsSync(index);
  const assets = new Map<string, Asset>();
  if (built && existsSync(join(dir, 'assets')))
    for (const f of readdirSync(join(dir, 'assets'))) assets.set(f, load(join(dir, 'assets', f)));
  const page: Asset | null = built ? load(index) : null;
  const home = async (req: FastifyRequest, reply: FastifyReply) => {
    if (!page)
      return reply
        .code(503)
        .type('text/plain; charset=utf-8')
        .send('The web console has not been built: run `npm run build:web` (npm start builds it).');
    // the page itself is never cached, so a new build is picked up at once
    return send(req, reply, page, 'no-cache');
  };
  const opts = { config: { roles: 'public' as const }, schema: { hide: true } };
  app.get('/', opts, home);
  app.get('/index.html', opts, home);
  app.get<{ Params: { '*': string } }>('/assets/*', opts, async (req, reply) => {
    const a = assets.get(req.params['*']);
    if (!a)
      return reply.code(404).send({ code: 'NOT_FOUND', message: 'no such file', details: [] });
    return send(req, reply, a, 'public, max-age=31536000, immutable');
  });
  return built;
}
