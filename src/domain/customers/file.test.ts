import { describe, expect, it } from 'vitest';
import {
  checkAddress,
  checkContactPoint,
  checkFinancials,
  checkTag,
  searchKey,
  searchTerms,
} from './file.ts';

describe('the rules of a customer file', () => {
  it('checks a new contact point field by field', () => {
    expect(checkContactPoint({ kind: 'phone', value: '+86 138 1234 5678' }, null)).toEqual({
      problems: [],
      fields: {
        kind: 'phone',
        value: '+86 138 1234 5678',
        type: 'mobile',
        verified: false,
        consentOn: null,
        optedOutOn: null,
      },
    });
    expect(
      checkContactPoint(
        { kind: 'fax', value: '', type: 'pager', optedOutOn: '2026-13-01' },
        null,
      ).problems.map((p) => p.at),
    ).toEqual(['kind', 'value', 'type', 'optedOutOn']);
    expect(checkContactPoint({ kind: 'email', value: 'ann@' }, null).problems).toEqual([
      { at: 'value', reason: 'is not an email address' },
    ]);
  });

  it('changes a contact point over its current fields, never its kind', () => {
    const current = checkContactPoint({ kind: 'email', value: 'ann@example.com' }, null).fields!;
    expect(checkContactPoint({ verified: true, type: 'work' }, current).fields).toMatchObject({
      kind: 'email',
      value: 'ann@example.com',
      verified: true,
      type: 'work',
    });
    expect(checkContactPoint({ kind: 'phone' }, current).problems[0]?.at).toBe('kind');
  });

  it('checks addresses, financials and tags', () => {
    expect(checkAddress({ line: '1 Main St', latitude: 40.7 }, null).problems).toEqual([
      { at: 'longitude', reason: 'comes with the other coordinate' },
    ]);
    expect(checkAddress({ line: 'x', latitude: 91, longitude: 0 }, null).problems[0]?.at).toBe(
      'latitude',
    );
    expect(checkFinancials({ incomeMinor: 450000 }, null).problems.map((p) => p.at)).toEqual([
      'incomeCurrency',
      'incomePeriod',
    ]);
    expect(
      checkFinancials({ incomeMinor: 450000, incomeCurrency: 'USD', incomePeriod: 'month' }, null)
        .fields,
    ).toEqual({
      employer: null,
      occupation: null,
      incomeMinor: 450000,
      incomeCurrency: 'USD',
      incomePeriod: 'month',
    });
    expect(checkTag(' VIP ')).toEqual({ tag: 'vip', problems: [] });
    expect(checkTag('two words').problems[0]?.at).toBe('tag');
  });

  it('reads a search as an id, a number, an email or a name', () => {
    expect(searchKey('phone', '+86 138-1234-5678')).toBe('8765432183168');
    expect(searchKey('email', ' Ann@Example.COM ')).toBe('ann@example.com');
    expect(searchTerms('138 1234 5678')).toEqual({
      id: '138 1234 5678',
      phoneKey: '87654321831',
      emailPrefix: null,
      nameWords: [],
    });
    expect(searchTerms('Ann@Example')).toMatchObject({
      phoneKey: null,
      emailPrefix: 'ann@example',
    });
    expect(searchTerms('  Ann  Le ')).toMatchObject({ id: 'Ann  Le', nameWords: ['ann', 'le'] });
    expect(searchTerms('A1')).toMatchObject({ id: 'A1', phoneKey: null, nameWords: [] });
  });
});
