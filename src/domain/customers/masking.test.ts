import { describe, expect, it } from 'vitest';
import {
  maskAddress,
  maskDeep,
  maskEmail,
  maskName,
  maskPhone,
  maskRecipient,
  maskSearchText,
} from './masking.ts';

describe('masking personal data', () => {
  it('keeps the first three and last four digits of a phone', () => {
    expect(maskPhone('13812345678')).toBe('138****5678');
    expect(maskPhone('+86 138-1234-5678')).toBe('+861******5678');
    expect(maskPhone('+12125550101')).toBe('+121****0101');
    expect(maskPhone('5550101')).toBe('*****01');
    expect(maskPhone('')).toBe('***');
  });

  it('keeps the first letter and the domain of an email', () => {
    expect(maskEmail('zhang.wei@example.com')).toBe('z***@example.com');
    expect(maskEmail('a@b.co')).toBe('a***@b.co');
    expect(maskEmail('not-an-email')).toBe('***');
  });

  it('keeps the town of an address and the first name of a person', () => {
    expect(maskAddress('12 Baker Street, London NW1')).toBe('***, London NW1');
    expect(maskAddress('上海市浦东新区，世纪大道100号')).toBe('***, 世纪大道100号');
    expect(maskAddress('Somewhere')).toBe('***');
    expect(maskName('Ann Lee')).toBe('Ann L***');
    expect(maskName('Mary Ann van Dijk')).toBe('Mary A*** v*** D***');
    expect(maskName('王伟')).toBe('王*');
    expect(maskName('Cher')).toBe('Cher');
  });

  it('tells a recipient by its form', () => {
    expect(maskRecipient('ann@example.com')).toBe('a***@example.com');
    expect(maskRecipient('+8613812345678')).toBe('+861******5678');
    expect(maskRecipient('1 Main St, Springfield')).toBe('***, Springfield');
  });

  it('masks personal fields at any depth and leaves the rest', () => {
    const v = {
      name: 'Ann Lee',
      amountMinor: 1200,
      phones: [{ kind: 'phone', value: '13812345678', verified: true }],
      emails: [{ kind: 'email', value: 'ann@example.com' }],
      addresses: [{ line: '1 Main St, Springfield', latitude: 40.1, longitude: -74.2 }],
      financials: { employer: 'Acme', incomeMinor: 500000 },
      detail: {
        before: { kind: 'phone', value: '+12125550101' },
        after: null,
        recipient: 'x@y.io',
      },
      notes: [{ body: 'called back' }],
    };
    expect(maskDeep(v)).toEqual({
      name: 'Ann L***',
      amountMinor: 1200,
      phones: [{ kind: 'phone', value: '138****5678', verified: true }],
      emails: [{ kind: 'email', value: 'a***@example.com' }],
      addresses: [{ line: '***, Springfield', latitude: null, longitude: null }],
      financials: { employer: 'A***', incomeMinor: null },
      detail: {
        before: { kind: 'phone', value: '+121****0101' },
        after: null,
        recipient: 'x***@y.io',
      },
      notes: [{ body: 'called back' }],
    });
  });

  it('masks a search text by what it looks like', () => {
    expect(maskSearchText('13812345678')).toBe('138****5678');
    expect(maskSearchText('ann@exa')).toBe('a***@exa');
    expect(maskSearchText('Ann Lee')).toBe('Ann L***');
    expect(maskSearchText('C0500000')).toBe('C***');
  });
});
