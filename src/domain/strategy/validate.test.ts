import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseStrategy, type StrategyError } from './validate.ts';

const base = (steps: string, extra = '') => `
id: test
name: Test
segments:
  - id: m1
    stage: overdue
    when: account.bucket == "M1"
    steps:
${steps}
${extra}`;

function errors(text: string): StrategyError[] {
  const r = parseStrategy(text);
  if (r.ok) throw new Error('expected errors');
  return r.errors;
}

describe('strategy validation', () => {
  it('accepts the default strategy', () => {
    const r = parseStrategy(readFileSync('strategies/default.yaml', 'utf8'));
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.strategy.segments.map((s) => s.id)).toContain('m7_plus');
  });

  it.each([
    [
      'an unknown channel',
      base('      - { id: a, offset: 0, channel: fax, template: t }'),
      {
        path: 'segments[0].steps[0].channel',
        reason: expect.stringMatching(/^unknown channel "fax" \(expected one of sms, email/),
      },
    ],
    [
      'a missing field',
      base('      - { id: a, offset: 0, channel: sms }'),
      { path: 'segments[0].steps[0].template', reason: 'is required' },
    ],
    [
      'an unknown field',
      base('      - { id: a, offset: 0, channel: sms, template: t, colour: red }'),
      { path: 'segments[0].steps[0].colour', reason: 'is not a known field' },
    ],
    [
      'a fractional offset',
      base('      - { id: a, offset: 1.5, channel: sms, template: t }'),
      { path: 'segments[0].steps[0].offset', reason: 'must be integer' },
    ],
    [
      'a bad id',
      base('      - { id: "Call Me", offset: 0, channel: sms, template: t }'),
      { path: 'segments[0].steps[0].id', reason: expect.stringMatching(/lower-case/) },
    ],
    [
      'a syntax error in a condition',
      base('      - { id: a, offset: 0, channel: sms, template: t, skip_if: "account.bucket ==" }'),
      { path: 'segments[0].steps[0].skip_if', reason: expect.stringMatching(/^Unexpected token/) },
    ],
    [
      'a type error in a condition',
      base(
        '      - { id: a, offset: 0, channel: sms, template: t, skip_if: "account.bucket == 1" }',
      ),
      {
        path: 'segments[0].steps[0].skip_if',
        reason: expect.stringMatching(/no such overload: string == int/),
      },
    ],
    [
      'an unknown fact',
      base(
        '      - { id: a, offset: 0, channel: sms, template: t, skip_if: "account.colour == \\"red\\"" }',
      ),
      {
        path: 'segments[0].steps[0].skip_if',
        reason: expect.stringMatching(/No such key: colour/),
      },
    ],
    [
      'a condition that is not true or false',
      base(
        '      - { id: a, offset: 0, channel: sms, template: t, skip_if: "account.delinquent_days + 1" }',
      ),
      {
        path: 'segments[0].steps[0].skip_if',
        reason: expect.stringMatching(/must be true or false.*is int/),
      },
    ],
    [
      'a negative offset on an overdue step',
      base('      - { id: a, offset: -2, channel: sms, template: t }'),
      { path: 'segments[0].steps[0].offset', reason: expect.stringMatching(/cannot be negative/) },
    ],
    [
      'a fallback without a channel',
      base(
        '      - { id: a, offset: 0, channel: sms, template: t, on_fail: { action: fallback } }',
      ),
      { path: 'segments[0].steps[0].on_fail.channel', reason: 'is required for a fallback' },
    ],
    [
      'duplicate step ids',
      base(
        '      - { id: a, offset: 0, channel: sms, template: t }\n      - { id: a, offset: 1, channel: sms, template: t }',
      ),
      { path: 'segments[0].steps[1].id', reason: 'duplicate step id "a"' },
    ],
  ])('rejects %s with the path and the reason', (_name, text, expected) => {
    expect(errors(text)).toContainEqual(expected);
  });

  it('reports every problem at once', () => {
    const text = base(
      '      - { id: a, offset: 0, channel: fax, template: t }\n      - { id: b, offset: 0, channel: pigeon, template: t }',
    );
    expect(errors(text).map((e) => e.path)).toEqual([
      'segments[0].steps[0].channel',
      'segments[0].steps[1].channel',
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const e = errors('id: x\nname: [unclosed\nsegments: []\n');
    expect(e[0]!.path).toMatch(/^line \d+$/);
  });

  it('rejects a duplicate segment id', () => {
    const text = `
id: t
name: T
segments:
  - { id: s, stage: overdue, when: "true", steps: [] }
  - { id: s, stage: overdue, when: "false", steps: [] }
`;
    expect(errors(text)).toEqual([{ path: 'segments[1].id', reason: 'duplicate segment id "s"' }]);
  });
});
