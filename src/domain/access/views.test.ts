import { describe, expect, it } from 'vitest';
import { ROLES } from './roles.ts';
import { homeView, isView, mayOpen, VIEWS, viewsFor } from './views.ts';

describe('console views by role', () => {
  it('every role has a home view it may open', () => {
    for (const r of ROLES) expect(mayOpen(r, homeView(r))).toBe(true);
  });
  it('collectors land on the desk and never see strategies or administration', () => {
    expect(homeView('collector')).toBe('desk');
    expect(mayOpen('collector', 'strategies')).toBe(false);
    expect(mayOpen('collector', 'admin')).toBe(false);
    expect(mayOpen('collector', 'monitoring')).toBe(false);
  });
  it('field agents land on their visits', () => {
    expect(homeView('field_agent')).toBe('field');
    expect(viewsFor('field_agent')).not.toContain('desk');
  });
  it('only administrators reach administration; compliance officers reach compliance', () => {
    expect(ROLES.filter((r) => mayOpen(r, 'admin'))).toEqual(['administrator']);
    expect(ROLES.filter((r) => mayOpen(r, 'compliance'))).toEqual([
      'administrator',
      'compliance_officer',
    ]);
  });
  it('the administrator sees every view; views are known names', () => {
    expect(viewsFor('administrator')).toEqual(VIEWS);
    expect(isView('desk')).toBe(true);
    expect(isView('ledger')).toBe(false);
  });
});
