import { describe, expect, it } from 'vitest';
import type { CycleDayStatus } from '../../app/cycle/ports.ts';
import { ConfigError, cyclePartitions, loadConfig } from '../config.ts';
import { partitionsArg, progressLine, statusText } from './cycle-commands.ts';

const part = (n: number, over: Partial<CycleDayStatus['parts'][number]> = {}) => ({
  part: n,
  afterId: (n - 1) * 100,
  upToId: n === 3 ? null : n * 100,
  planned: 100,
  state: 'pending' as const,
  worker: null,
  attempts: 0,
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  accounts: null,
  transitions: null,
  actions: null,
  lastError: null,
  ...over,
});

describe('recoup cycle status', () => {
  const status: CycleDayStatus = {
    asOf: '2026-06-30',
    state: 'running',
    partitions: 3,
    done: 1,
    startedAt: '2026-06-30T02:00:00.000Z',
    finishedAt: null,
    followedAt: null,
    parts: [
      part(1, {
        state: 'done',
        worker: 'a:1:x',
        attempts: 1,
        durationMs: 2500,
        accounts: 100,
        transitions: 4,
        actions: 7,
      }),
      part(2, {
        state: 'running',
        worker: 'b:2:y',
        attempts: 2,
        startedAt: '2026-06-30T02:00:10.000Z',
      }),
      part(3, { lastError: 'connection lost' }),
    ],
  };

  it('draws the progress bar and a line per partition', () => {
    expect(progressLine(status)).toBe(
      'cycle 2026-06-30 [########................] 1/3 partitions, 100 accounts',
    );
    const lines = statusText(status, new Date('2026-06-30T02:00:14.000Z')).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toMatch(
      /#1\s+\(0, 100\]\s+done\s+a:1:x\s+2\.5 s\s+100 accounts, 4 transitions, 7 actions$/,
    );
    expect(lines[2]).toMatch(
      /#2\s+\(100, 200\]\s+running\s+b:2:y\s+4\.0 s so far\s+100 accounts planned \(attempt 2\)$/,
    );
    expect(lines[3]).toMatch(
      /#3\s+\(200, ∞\]\s+pending\s+-\s+100 accounts planned last error: connection lost$/,
    );
  });

  it('checks the number of partitions, from the option and the environment', () => {
    expect(partitionsArg('4')).toBe(4);
    for (const bad of ['0', '-1', '2.5', 'x', '1025']) expect(() => partitionsArg(bad)).toThrow();
    expect(cyclePartitions(loadConfig({}))).toBe(1);
    expect(cyclePartitions(loadConfig({ DATABASE_URL: 'postgres://h/db' }))).toBe(8);
    expect(cyclePartitions(loadConfig({ RECOUP_CYCLE_PARTITIONS: '3' }))).toBe(3);
    for (const bad of ['0', 'many', '5000'])
      expect(() => loadConfig({ RECOUP_CYCLE_PARTITIONS: bad })).toThrow(ConfigError);
  });
});
