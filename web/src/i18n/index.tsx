/**
 * The reader's language: the words (t), and numbers, money and dates formatted for it. The
 * choice is kept in the browser and in the user's profile.
 */
import { createContext, useContext, useMemo, type ReactNode } from 'react';
import { en, type MessageKey } from './en.ts';
import { zhCN } from './zh-CN.ts';
import * as f from './format.ts';
import type { Locale } from './format.ts';

export type { Locale, MessageKey };
export const LOCALES: readonly Locale[] = ['en', 'zh-CN'];
const DICTIONARIES: Record<Locale, Record<MessageKey, string>> = { en, 'zh-CN': zhCN };

export function translate(
  locale: Locale,
  key: MessageKey,
  params?: Record<string, string | number>,
) {
  const s = DICTIONARIES[locale][key] ?? en[key] ?? key;
  return params ? s.replace(/\{(\w+)\}/g, (m, k: string) => String(params[k] ?? m)) : s;
}

/** A key known only at run time (a channel or product name from the data): itself if unknown. */
export function translateMaybe(locale: Locale, key: string): string {
  return key in en ? translate(locale, key as MessageKey) : key.split('.').pop()!;
}

export function makeI18n(locale: Locale) {
  return {
    locale,
    t: (key: MessageKey, params?: Record<string, string | number>) =>
      translate(locale, key, params),
    tm: (key: string) => translateMaybe(locale, key),
    money: (a: string | null | undefined, c: string) => f.money(a, c, locale),
    compactMoney: (a: string, c: string) => f.compactMoney(a, c, locale),
    num: (n: number | null | undefined, digits = 0) => f.num(n, locale, digits),
    pct: (s: number | null | undefined, digits = 1) => f.pct(s, locale, digits),
    date: (d: string | null | undefined, style?: 'short' | 'long') => f.date(d, locale, style),
    dateTime: (iso: string | null | undefined) => f.dateTime(iso, locale),
    month: (m: string) => f.month(m, locale),
  };
}
export type I18n = ReturnType<typeof makeI18n>;

const Ctx = createContext<I18n>(makeI18n('en'));

export function I18nProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  const value = useMemo(() => makeI18n(locale), [locale]);
  return <Ctx.Provider value={value}>{children}</Ctx.Provider>;
}

export const useI18n = () => useContext(Ctx);

export const isLocale = (s: unknown): s is Locale => s === 'en' || s === 'zh-CN';
