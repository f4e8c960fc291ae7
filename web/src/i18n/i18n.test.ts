import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';
import { date, money, pct } from './format.ts';
import { translate } from './index.tsx';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('the console speaks English and Simplified Chinese', () => {
  it('both dictionaries have the same keys and the same placeholders', () => {
    expect(Object.keys(zhCN).sort()).toEqual(Object.keys(en).sort());
    for (const [k, v] of Object.entries(en))
      expect(placeholders(zhCN[k as keyof typeof en]), k).toEqual(placeholders(v));
  });
  it('every Chinese entry is translated (not left in English) except names', () => {
    const same = Object.keys(en).filter(
      (k) => zhCN[k as keyof typeof en] === en[k as keyof typeof en],
    );
    expect(same).toEqual(['app.name']);
  });
  it('fills placeholders', () => {
    expect(translate('zh-CN', 'login.demo', { password: 'x' })).toBe('演示用户的密码均为 x。');
  });
  it('formats money from the exact decimal string, dates as days and shares as percentages', () => {
    expect(money('1234567.89', 'CNY', 'zh-CN')).toBe('¥1,234,567.89');
    expect(money('1234567.89', 'USD', 'en')).toBe('$1,234,567.89');
    // a value beyond a double's exact range keeps its last cent
    expect(money('90071992547409.93', 'USD', 'en')).toBe('$90,071,992,547,409.93');
    expect(date('2026-11-30', 'en')).toBe('11/30/2026');
    expect(date('2026-11-30', 'zh-CN')).toBe('2026/11/30');
    expect(pct(0.2051, 'en')).toBe('20.5%');
  });
});
