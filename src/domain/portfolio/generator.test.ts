import { describe, expect, it } from 'vitest';
import { currencyExponent, parseAmount } from '../money/currency.ts';
import { diffDays, isLocalDate, type LocalDate } from '../time/date.ts';
import { isTimeZone, localDateOf, parseInstant } from '../time/zone.ts';
import {
  BEHAVIOUR_MIX,
  generateCustomers,
  generatePortfolio,
  HOLD_PROBABILITY,
  MAX_OVERPAYMENT_SHARE,
  PORTFOLIO_COLUMNS,
  PORTFOLIO_FILES,
  PRODUCT_MIX,
  REGION_MIX,
  TIMESTAMP_PAYMENT_SHARE,
  type AccountRecord,
  type GenerateOptions,
  type PayerType,
  type PortfolioFile,
} from './generator.ts';

const AS_OF: LocalDate = '2026-03-15';

type Rows = Record<PortfolioFile, string[][]>;

function collect(opts: GenerateOptions): Rows {
  const rows = Object.fromEntries(PORTFOLIO_FILES.map((f) => [f, []])) as unknown as Rows;
  for (const row of generatePortfolio(opts)) rows[row.file].push(row.values);
  return rows;
}

function records(opts: GenerateOptions): AccountRecord[] {
  return [...generateCustomers(opts)].flatMap((c) => c.accounts);
}

/** A row as column → value. */
function byColumn(file: PortfolioFile, values: string[]): Record<string, string> {
  return Object.fromEntries(PORTFOLIO_COLUMNS[file].map((c, i) => [c, values[i] ?? '']));
}

/** Decimal text in major units with exactly the currency's decimals, as minor units. */
const AMOUNT_TEXT = [/^\d+$/, /^\d+\.\d$/, /^\d+\.\d{2}$/, /^\d+\.\d{3}$/];

function minorOf(text: string, currency: string): number {
  const re = AMOUNT_TEXT[currencyExponent(currency)]!;
  expect(text, `${text} in ${currency}`).toMatch(re);
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) throw new Error(parsed.reason);
  return parsed.minor;
}

const ZONES: Record<string, readonly string[]> = {
  CN: ['Asia/Shanghai', 'Asia/Urumqi'],
  US: [
    'America/New_York',
    'America/Chicago',
    'America/Denver',
    'America/Los_Angeles',
    'Pacific/Honolulu',
  ],
  UK: ['Europe/London'],
};
const PHONE_PREFIX: Record<string, string> = { CN: '+86', US: '+1', UK: '+44' };
/** Rough bounding boxes [latMin, latMax, lonMin, lonMax]. */
const BOUNDS: Record<string, readonly [number, number, number, number]> = {
  CN: [18, 54, 73, 135],
  US: [18, 50, -160, -66],
  UK: [49, 61, -8, 2],
};
const REGION_CURRENCY: Record<string, string> = { CN: 'CNY', US: 'USD', UK: 'GBP' };
const GRACE: Record<string, readonly string[]> = {
  loan: ['3', ''],
  card: ['0', '5', ''],
  bnpl: ['0', ''],
  invoice: ['7', ''],
};

describe('generatePortfolio: determinism', () => {
  const opts: GenerateOptions = { accounts: 300, seed: 42, asOf: AS_OF };

  it('gives the same rows for the same seed, as-of and size', () => {
    expect(collect(opts)).toEqual(collect(opts));
  });

  it('treats the seed 42 and the text "42" alike', () => {
    expect(collect({ ...opts, seed: '42' })).toEqual(collect(opts));
  });

  it('gives different rows for a different seed or as-of', () => {
    expect(collect({ ...opts, seed: 43 })).not.toEqual(collect(opts));
    expect(collect({ ...opts, asOf: '2026-03-16' }).payments).not.toEqual(collect(opts).payments);
  });

  it('makes a smaller portfolio a prefix of a bigger one (customer by customer)', () => {
    const small = collect({ ...opts, accounts: 100 });
    const big = collect({ ...opts, accounts: 200 });
    const n = small.customers.length - 1; // the last customer may have been cut short
    expect(big.customers.slice(0, n)).toEqual(small.customers.slice(0, n));
  });

  it('rejects bad options', () => {
    expect(() => collect({ ...opts, accounts: -1 })).toThrow(RangeError);
    expect(() => collect({ ...opts, accounts: 1.5 })).toThrow(RangeError);
    expect(() => collect({ ...opts, asOf: '2026-02-30' })).toThrow(RangeError);
    expect(() => collect({ ...opts, seed: '' })).toThrow(RangeError);
    expect(collect({ ...opts, accounts: 0 }).customers).toEqual([]);
  });
});

describe('generatePortfolio: every row is valid', () => {
  const rows = collect({ accounts: 2000, seed: 'valid', asOf: AS_OF });
  const customers = new Map<string, Record<string, string>>();
  const accounts = new Map<string, Record<string, string>>();

  it('writes exactly the listed columns in every row', () => {
    for (const f of PORTFOLIO_FILES) {
      for (const values of rows[f]) expect(values).toHaveLength(PORTFOLIO_COLUMNS[f].length);
    }
  });

  it('customers: ids, names, phones, emails, places and languages', () => {
    for (const values of rows.customers) {
      const c = byColumn('customers', values);
      expect(c.customer_id).toMatch(/^C\d{7}$/);
      expect(customers.has(c.customer_id!)).toBe(false);
      customers.set(c.customer_id!, c);
      const region = c.jurisdiction!;
      expect(['CN', 'US', 'UK']).toContain(region);
      expect(c.name).toMatch(
        c.language === 'zh-CN' ? /^\p{Script=Han}{2,3}$/u : /^\p{L}+ [\p{L}']+$/u,
      );
      expect(c.phone).toMatch(/^\+[1-9]\d{6,14}$/);
      expect(c.phone!.startsWith(PHONE_PREFIX[region]!)).toBe(true);
      if (c.email !== '') expect(c.email).toMatch(/^[a-z0-9.]+@example\.(com|net|org)$/);
      expect(c.address!.length).toBeGreaterThan(5);
      expect(c.latitude).toMatch(/^-?\d+\.\d{5}$/);
      expect(c.longitude).toMatch(/^-?\d+\.\d{5}$/);
      const [latMin, latMax, lonMin, lonMax] = BOUNDS[region]!;
      expect(Number(c.latitude)).toBeGreaterThan(latMin);
      expect(Number(c.latitude)).toBeLessThan(latMax);
      expect(Number(c.longitude)).toBeGreaterThan(lonMin);
      expect(Number(c.longitude)).toBeLessThan(lonMax);
      expect(ZONES[region]).toContain(c.timezone);
      expect(isTimeZone(c.timezone!)).toBe(true);
      expect(['en', 'zh-CN']).toContain(c.language);
      if (region === 'CN') expect(c.language).toBe('zh-CN');
      if (region === 'UK') expect(c.language).toBe('en');
    }
    const all = [...customers.values()];
    const share = (pred: (c: Record<string, string>) => boolean) =>
      all.filter(pred).length / all.length;
    expect(share((c) => c.email === '')).toBeGreaterThan(0.06);
    expect(share((c) => c.email === '')).toBeLessThan(0.14);
    expect(share((c) => c.address!.includes(','))).toBeGreaterThan(0.3);
    expect(share((c) => c.jurisdiction === 'US' && c.language === 'zh-CN')).toBeGreaterThan(0);
    expect(share((c) => c.timezone === 'Asia/Urumqi')).toBeGreaterThan(0);
  });

  it('accounts: ids, customers, products, currencies, principals, dates and grace', () => {
    const perCustomer = new Map<string, number>();
    for (const values of rows.accounts) {
      const a = byColumn('accounts', values);
      expect(a.account_id).toMatch(/^A\d{8}$/);
      expect(accounts.has(a.account_id!)).toBe(false);
      accounts.set(a.account_id!, a);
      const customer = customers.get(a.customer_id!);
      expect(customer, `customer of ${a.account_id}`).toBeDefined();
      perCustomer.set(a.customer_id!, (perCustomer.get(a.customer_id!) ?? 0) + 1);
      expect(Object.keys(PRODUCT_MIX)).toContain(a.product);
      const home = REGION_CURRENCY[customer!.jurisdiction!];
      expect([home, 'JPY', 'HKD']).toContain(a.currency);
      expect(minorOf(a.principal!, a.currency!)).toBeGreaterThan(0);
      expect(isLocalDate(a.opened_on!)).toBe(true);
      expect(a.opened_on! < AS_OF).toBe(true);
      expect(GRACE[a.product!]).toContain(a.grace_days);
    }
    for (const n of perCustomer.values()) expect(n).toBeGreaterThanOrEqual(1);
    for (const n of perCustomer.values()) expect(n).toBeLessThanOrEqual(3);
    expect(perCustomer.size).toBe(customers.size);
    const currencies = new Set([...accounts.values()].map((a) => a.currency));
    expect(currencies).toEqual(new Set(['CNY', 'USD', 'GBP', 'JPY', 'HKD']));
  });

  it('instalments: numbered from 1, real ascending dates, right decimals, totals > 0', () => {
    const byAccount = new Map<string, Record<string, string>[]>();
    for (const values of rows.instalments) {
      const x = byColumn('instalments', values);
      const list = byAccount.get(x.account_id!) ?? [];
      list.push(x);
      byAccount.set(x.account_id!, list);
    }
    expect(byAccount.size).toBe(accounts.size);
    for (const [id, list] of byAccount) {
      const a = accounts.get(id);
      expect(a, `account ${id}`).toBeDefined();
      const cur = a!.currency!;
      list.forEach((x, i) => {
        expect(x.seq).toBe(String(i + 1));
        expect(isLocalDate(x.due_date!)).toBe(true);
        expect(x.due_date! > a!.opened_on!).toBe(true);
        if (i > 0) expect(x.due_date! > list[i - 1]!.due_date!).toBe(true);
        const principal = minorOf(x.principal_due!, cur);
        const interest = minorOf(x.interest_due!, cur);
        const fees = minorOf(x.fees_due!, cur);
        expect(principal + interest + fees).toBeGreaterThan(0);
        if (a!.product === 'loan' || a!.product === 'invoice') expect(fees).toBe(0);
        if (a!.product === 'bnpl' || a!.product === 'invoice') expect(interest).toBe(0);
      });
      const n = list.length;
      if (a!.product === 'loan') expect([6, 12, 24]).toContain(n);
      if (a!.product === 'card') expect(n).toBeLessThanOrEqual(12);
      if (a!.product === 'invoice') expect(n).toBeLessThanOrEqual(3);
      if (a!.product === 'bnpl') {
        expect(n).toBe(4);
        list.forEach((x, i) => {
          if (i > 0) expect(diffDays(x.due_date!, list[i - 1]!.due_date!)).toBe(14);
        });
      }
      const principals = list.map((x) => minorOf(x.principal_due!, cur));
      if (a!.product !== 'card') {
        expect(principals.reduce((s, p) => s + p, 0)).toBe(minorOf(a!.principal!, cur));
      }
    }
  });

  it('payments: unique ids, known accounts, never after as-of, amounts > 0', () => {
    const ids = new Set<string>();
    let timestamps = 0;
    for (const values of rows.payments) {
      const p = byColumn('payments', values);
      expect(p.payment_id).toMatch(/^P\d{9}$/);
      expect(ids.has(p.payment_id!)).toBe(false);
      ids.add(p.payment_id!);
      const a = accounts.get(p.account_id!);
      expect(a, `account of ${p.payment_id}`).toBeDefined();
      expect(minorOf(p.amount!, a!.currency!)).toBeGreaterThan(0);
      let day = p.paid_on!;
      if (day.includes('T')) {
        timestamps++;
        expect(day).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:00[+-]\d{2}:\d{2}$/);
        const instant = parseInstant(day);
        expect(instant).not.toBeNull();
        const zone = customers.get(a!.customer_id!)!.timezone!;
        // The wall-clock date written is the payment's date in the customer's zone.
        expect(localDateOf(instant!, zone)).toBe(day.slice(0, 10));
        day = day.slice(0, 10);
      }
      expect(isLocalDate(day)).toBe(true);
      expect(day <= AS_OF).toBe(true);
      expect(day >= a!.opened_on!).toBe(true);
    }
    const share = timestamps / rows.payments.length;
    expect(Math.abs(share - TIMESTAMP_PAYMENT_SHARE)).toBeLessThan(0.03);
  });

  it('holds: known accounts, known kinds, from by as-of, to empty or not before from', () => {
    const kinds = ['hardship', 'dispute', 'bankruptcy', 'deceased', 'other'];
    for (const values of rows.holds) {
      const h = byColumn('holds', values);
      expect(accounts.has(h.account_id!)).toBe(true);
      expect(kinds).toContain(h.kind);
      expect(isLocalDate(h.from!)).toBe(true);
      expect(h.from! <= AS_OF).toBe(true);
      if (h.to !== '') {
        expect(isLocalDate(h.to!)).toBe(true);
        expect(h.to! >= h.from!).toBe(true);
      }
    }
    expect(new Set(rows.holds.map((v) => v[0])).size).toBe(rows.holds.length);
  });

  it("emits each customer's rows together, right after the customer", () => {
    const order: string[] = [];
    for (const row of generatePortfolio({ accounts: 200, seed: 'order', asOf: AS_OF })) {
      if (row.file === 'customers') order.push(row.values[0]!);
      if (row.file === 'accounts') expect(row.values[1]).toBe(order[order.length - 1]);
    }
  });
});

describe('generatePortfolio: sizes', () => {
  const count = (n: number) => {
    const rows = collect({ accounts: n, seed: 'size', asOf: AS_OF });
    return Object.fromEntries(PORTFOLIO_FILES.map((f) => [f, rows[f].length])) as Record<
      PortfolioFile,
      number
    >;
  };
  const small = count(1000);
  const big = count(4000);

  it('writes exactly N accounts and about 1.3 accounts per customer', () => {
    expect(small.accounts).toBe(1000);
    expect(big.accounts).toBe(4000);
    expect(big.accounts / big.customers).toBeGreaterThan(1.2);
    expect(big.accounts / big.customers).toBeLessThan(1.4);
  });

  it('grows every file roughly in proportion to N', () => {
    for (const f of ['customers', 'instalments', 'payments'] as const) {
      expect(big[f] / small[f]).toBeGreaterThan(3.5);
      expect(big[f] / small[f]).toBeLessThan(4.5);
    }
    expect(big.holds / small.holds).toBeGreaterThan(2.5);
    expect(big.holds / small.holds).toBeLessThan(5.5);
  });

  it('has 6–8 instalments per account on average', () => {
    expect(big.instalments / big.accounts).toBeGreaterThan(6);
    expect(big.instalments / big.accounts).toBeLessThan(8);
  });
});

describe('generatePortfolio: the behaviour model', () => {
  const accounts = records({ accounts: 5000, seed: 'behaviour', asOf: AS_OF });
  const total = (a: AccountRecord) =>
    a.instalments.reduce((s, x) => s + x.principalDue + x.interestDue + x.feesDue, 0);
  const paid = (a: AccountRecord) => a.payments.reduce((s, p) => s + p.amount, 0);

  it('draws payer types close to BEHAVIOUR_MIX', () => {
    expect(Object.values(BEHAVIOUR_MIX).reduce((s, p) => s + p, 0)).toBeCloseTo(1, 10);
    for (const [payer, p] of Object.entries(BEHAVIOUR_MIX)) {
      const share = accounts.filter((a) => a.payer === payer).length / accounts.length;
      expect(Math.abs(share - p), payer).toBeLessThan(0.025);
    }
  });

  it('draws products and regions close to their mixes', () => {
    for (const [product, p] of Object.entries(PRODUCT_MIX)) {
      const share = accounts.filter((a) => a.account.product === product).length / 5000;
      expect(Math.abs(share - p), product).toBeLessThan(0.025);
    }
    const customers = [...generateCustomers({ accounts: 5000, seed: 'behaviour', asOf: AS_OF })];
    for (const [region, p] of Object.entries(REGION_MIX)) {
      const share =
        customers.filter((c) => c.customer.jurisdiction === region).length / customers.length;
      expect(Math.abs(share - p), region).toBeLessThan(0.025);
    }
  });

  it('puts holds on about 3 % of accounts, mostly payers in arrears', () => {
    const held = accounts.filter((a) => a.hold !== null);
    expect(held.length / accounts.length).toBeGreaterThan(0.02);
    expect(held.length / accounts.length).toBeLessThan(0.045);
    const expected = Object.entries(BEHAVIOUR_MIX).reduce(
      (s, [payer, p]) => s + p * HOLD_PROBABILITY[payer as PayerType],
      0,
    );
    expect(expected).toBeGreaterThan(0.025);
    expect(expected).toBeLessThan(0.035);
    const onTime = held.filter((a) => a.payer === 'onTime' || a.payer === 'overpayer').length;
    expect(onTime / held.length).toBeLessThan(0.2);
  });

  it(`never pays more than the schedule plus ${MAX_OVERPAYMENT_SHARE * 100} %, and only overpayers exceed it`, () => {
    for (const a of accounts) {
      expect(paid(a), a.account.id).toBeLessThanOrEqual(total(a) * (1 + MAX_OVERPAYMENT_SHARE));
      if (a.payer !== 'overpayer') expect(paid(a), a.account.id).toBeLessThanOrEqual(total(a));
    }
    const over = accounts.filter((a) => a.payer === 'overpayer' && paid(a) > total(a));
    expect(over.length).toBeGreaterThan(0);
  });

  it('pays in full and on time for on-time payers, and only what fell due', () => {
    for (const a of accounts.filter((x) => x.payer === 'onTime')) {
      const due = a.instalments.filter((x) => x.dueDate <= AS_OF);
      const dueTotal = due.reduce((s, x) => s + x.principalDue + x.interestDue + x.feesDue, 0);
      expect(paid(a)).toBe(dueTotal);
      expect(a.instalments.every((x) => x.feesDue === 0)).toBe(true);
    }
  });

  it('leaves overpayers with a credit: paid more than had fallen due at as-of', () => {
    const credited = accounts.filter((a) => {
      if (a.payer !== 'overpayer') return false;
      const fallenDue = a.instalments
        .filter((x) => x.dueDate <= AS_OF)
        .reduce((s, x) => s + x.principalDue + x.interestDue + x.feesDue, 0);
      return paid(a) > fallenDue;
    });
    const overpayers = accounts.filter((a) => a.payer === 'overpayer');
    expect(credited.length / overpayers.length).toBeGreaterThan(0.8);
  });

  it('has accounts in every bucket from current to 180+ days past due', () => {
    const buckets = new Map<string, number>();
    for (const a of accounts) {
      const days = pastDueDays(a, AS_OF);
      const name =
        days === 0 ? 'current' : days > 180 ? '180+' : `${Math.floor((days - 1) / 30) * 30 + 1}+`;
      buckets.set(name, (buckets.get(name) ?? 0) + 1);
    }
    for (const name of ['current', '1+', '31+', '61+', '91+', '121+', '151+', '180+']) {
      expect(buckets.get(name) ?? 0, name).toBeGreaterThan(10);
    }
    expect(buckets.get('current')! / accounts.length).toBeGreaterThan(0.6);
  });

  it('keeps defaulters old enough to be 180+ days past due', () => {
    const defaulted = accounts.filter((a) => a.payer === 'defaulted');
    const over180 = defaulted.filter((a) => pastDueDays(a, AS_OF) > 180);
    expect(over180.length / defaulted.length).toBeGreaterThan(0.4);
  });
});

/**
 * Days past due as of `asOf`: payments settle instalments oldest first; the oldest instalment
 * due before `asOf` that is not fully paid sets the count (0 when there is none).
 */
function pastDueDays(a: AccountRecord, asOf: LocalDate): number {
  let money = a.payments.filter((p) => p.paidOn <= asOf).reduce((s, p) => s + p.amount, 0);
  for (const x of a.instalments) {
    const amount = x.principalDue + x.interestDue + x.feesDue;
    if (money >= amount) {
      money -= amount;
      continue;
    }
    return x.dueDate < asOf ? diffDays(asOf, x.dueDate) : 0;
  }
  return 0;
}
