import { describe, expect, it } from 'vitest';
import type { StrategyDoc } from './document.ts';
import { strategyFlow } from './flow.ts';

const doc: StrategyDoc = {
  id: 't',
  name: 'Test',
  segments: [
    {
      id: 'early',
      stage: 'pre_due',
      when: 'account.days_to_due <= 7',
      steps: [
        { id: 'sms', offset: -1, channel: 'sms', template: 'reminder', skip_if: 'false' },
        {
          id: 'call',
          offset: -5,
          channel: 'phone',
          template: 'call',
          priority: 40,
          on_fail: { action: 'fallback', channel: 'sms' },
        },
      ],
    },
    { id: 'm1', name: 'M1', stage: 'overdue', when: 'account.bucket == "M1"', steps: [] },
  ],
};

describe('strategy flow', () => {
  const flow = strategyFlow(doc);

  it('has the start, the exits, a condition and a node per segment, steps in day order', () => {
    expect(flow.nodes.map((n) => n.id)).toEqual([
      'start',
      'exits',
      'paused',
      'condition:early',
      'segment:early',
      'step:early/call',
      'step:early/sms',
      'condition:m1',
      'segment:m1',
      'no_segment',
    ]);
  });

  it('tries the segments in order: a no leads to the next condition, the last to no segment', () => {
    expect(flow.edges).toEqual([
      { from: 'start', to: 'exits', kind: 'path', label: null },
      { from: 'exits', to: 'paused', kind: 'yes', label: 'yes' },
      { from: 'exits', to: 'condition:early', kind: 'no', label: 'no' },
      { from: 'condition:early', to: 'segment:early', kind: 'yes', label: 'yes' },
      { from: 'segment:early', to: 'step:early/call', kind: 'path', label: null },
      { from: 'step:early/call', to: 'step:early/sms', kind: 'then', label: '1 d before due' },
      { from: 'condition:early', to: 'condition:m1', kind: 'no', label: 'no' },
      { from: 'condition:m1', to: 'segment:m1', kind: 'yes', label: 'yes' },
      { from: 'condition:m1', to: 'no_segment', kind: 'no', label: 'no' },
    ]);
  });

  it('gives each step its channel, day, conditions and what happens when it fails', () => {
    const call = flow.nodes.find((n) => n.id === 'step:early/call');
    expect(call).toEqual({
      id: 'step:early/call',
      kind: 'step',
      segmentId: 'early',
      stepId: 'call',
      channel: 'phone',
      offset: -5,
      day: '5 d before due',
      template: 'call',
      priority: 40,
      skipIf: null,
      onFail: { action: 'fallback', channel: 'sms' },
      description: null,
    });
    const sms = flow.nodes.find((n) => n.id === 'step:early/sms');
    expect(sms).toMatchObject({ skipIf: 'false', priority: null, onFail: null });
    expect(flow.nodes.find((n) => n.id === 'segment:m1')).toMatchObject({
      name: 'M1',
      stage: 'overdue',
    });
    expect(flow.nodes.find((n) => n.id === 'condition:m1')).toMatchObject({
      order: 1,
      when: 'account.bucket == "M1"',
    });
  });
});
