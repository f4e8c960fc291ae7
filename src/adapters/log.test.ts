import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { componentLogger, createLogger, errorContext, httpLogger, isLogLevel } from './log.ts';

function memory() {
  const lines: Record<string, unknown>[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString('utf8').split('\n')) if (l) lines.push(JSON.parse(l));
      done();
    },
  });
  return { lines, stream };
}

describe('the operational log', () => {
  it('writes one JSON object a line: level by name, ISO time, msg and the component', () => {
    const m = memory();
    const log = componentLogger(createLogger('info', m.stream), 'cycle');
    log.info({ asOf: '2026-03-02', accounts: 10 }, 'cycle day done');
    log.debug('not written at info');
    expect(m.lines).toHaveLength(1);
    const line = m.lines[0]!;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'cycle day done',
      component: 'cycle',
      asOf: '2026-03-02',
      accounts: 10,
    });
    expect(new Date(String(line.time)).toISOString()).toBe(line.time);
    expect(line).not.toHaveProperty('pid');
    expect(line).not.toHaveProperty('hostname');
  });

  it('logs an error with its message and stack', () => {
    const m = memory();
    createLogger('warn', m.stream).error(errorContext(new Error('gateway down')), 'job failed');
    createLogger('warn', m.stream).error(errorContext('a text'), 'job failed');
    expect(m.lines[0]).toMatchObject({ level: 'error', err: { message: 'gateway down' } });
    expect(String((m.lines[0]!.err as { stack: string }).stack)).toContain('gateway down');
    expect(m.lines[1]).toMatchObject({ err: { message: 'a text' } });
  });

  it("the HTTP logger is component http and uses the server's request serializer", () => {
    const m = memory();
    const log = httpLogger(createLogger('info', m.stream), {
      req: (req) => ({ method: req.method, url: req.url.replace(/q=[^&]*/, 'q=***') }),
    });
    log.info({ req: { method: 'GET', url: '/api/customers?q=Zhang', headers: {} } }, 'incoming');
    log.info({ res: { statusCode: 200, raw: {} } }, 'completed');
    expect(m.lines[0]).toEqual(
      expect.objectContaining({
        component: 'http',
        req: { method: 'GET', url: '/api/customers?q=***' },
      }),
    );
    expect(m.lines[1]).toMatchObject({ res: { statusCode: 200 } });
  });

  it('knows the levels', () => {
    expect(isLogLevel('debug')).toBe(true);
    expect(isLogLevel('verbose')).toBe(false);
  });
});
