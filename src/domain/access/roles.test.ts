import { describe, expect, it } from 'vitest';
import { isRole, mayUnmask, maySupervise } from './roles.ts';

describe('roles', () => {
  it('knows the roles of the console', () => {
    expect(isRole('collector')).toBe(true);
    expect(isRole('root')).toBe(false);
  });
  it('lets the analyst see masked data only and the supervisor approve', () => {
    expect(mayUnmask('analyst')).toBe(false);
    expect(mayUnmask('collector')).toBe(true);
    expect(maySupervise('collector')).toBe(false);
    expect(maySupervise('supervisor')).toBe(true);
  });
});
