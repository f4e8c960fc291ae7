import { describe, expect, it } from 'vitest';
import { ruleSetCatalogue } from './catalogue.ts';

describe('rule set catalogue', () => {
  const c = ruleSetCatalogue({ 'US-NY': 3, US: 2, CN: 4, GB: 1, FR: 5 });
  const byId = Object.fromEntries(c.ruleSets.map((r) => [r.id, r]));

  it('lists every rule set with its hours and limits', () => {
    expect(c.ruleSets.map((r) => r.id)).toEqual(['US-REG-F', 'CN', 'CN-STRICT', 'UK-FCA']);
    expect(byId['CN']!.contactHours).toEqual({
      from: '08:00',
      to: '22:00',
      channels: ['phone', 'sms', 'email', 'field_visit'],
    });
    expect(byId['US-REG-F']!.limits).toEqual({
      callsPer7Days: 7,
      quietDaysAfterConversation: 7,
      connectedCallsPerDay: null,
      unansweredPerNumberPerDay: null,
    });
    expect(byId['CN']!.rules).toContain('at most 3 connected calls per debtor per day');
    expect(byId['UK-FCA']!.sources[0]).toMatch(/CONC 7/);
  });

  it('counts the customers each governs, and those no rule set covers', () => {
    expect(byId['US-REG-F']!.customers).toEqual({ 'US-NY': 3, US: 2 });
    expect(byId['CN']!.customers).toEqual({ CN: 4 });
    expect(byId['CN-STRICT']!.customers).toEqual({});
    expect(byId['UK-FCA']!.customers).toEqual({ GB: 1 });
    expect(c.uncovered).toEqual({ FR: 5 });
  });
});
