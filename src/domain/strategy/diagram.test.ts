import { describe, expect, it } from 'vitest';
import { strategyDiagram } from './diagram.ts';
import type { StrategyDoc } from './document.ts';

const doc: StrategyDoc = {
  id: 't',
  name: 'Test "policy"',
  segments: [
    {
      id: 'early',
      stage: 'pre_due',
      when: 'account.days_to_due <= 7',
      steps: [
        { id: 'sms', offset: -1, channel: 'sms', template: 'reminder' },
        {
          id: 'call',
          offset: -5,
          channel: 'phone',
          template: 'call',
          on_fail: { action: 'fallback', channel: 'sms' },
        },
      ],
    },
    { id: 'm1', name: 'M1', stage: 'overdue', when: 'account.bucket == "M1"', steps: [] },
  ],
};

describe('strategy diagram', () => {
  const text = strategyDiagram(doc);

  it('is a Mermaid flow chart with the exits, every segment in order and a fall-through', () => {
    expect(text.startsWith('flowchart TD\n')).toBe(true);
    expect(text).toContain('exits -- yes --> paused');
    expect(text).toContain('exits -- no --> c0');
    expect(text).toContain('c0 -- no --> c1');
    expect(text).toContain('c1 -- no --> none');
  });

  it('lists steps in day order with their fallbacks, and escapes quotes', () => {
    expect(text.indexOf('5 d before due: phone')).toBeLessThan(text.indexOf('1 d before due: sms'));
    expect(text).toContain('else sms');
    expect(text).toContain('c1{"account.bucket == #quot;M1#quot;"}');
    expect(text).toContain('Test #quot;policy#quot;');
    expect(text).toContain('s1_none["no action"]');
  });
});
