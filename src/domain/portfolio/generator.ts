/**
 * The demo portfolio: a synthetic collections portfolio that looks like a real one (customers
 * in China, the US and the UK; loans, cards, buy-now-pay-later and invoices; payers who pay on
 * time, late, partly, not at all, or too much), written as the five import files.
 *
 * Pure: everything comes from the seed and the as-of date, so the same options give the same
 * rows. Rows are yielded one customer at a time, so a million accounts never sit in memory.
 * Each customer has its own random stream (derived from the seed and the customer number):
 * portfolio N is a prefix of portfolio N + k, except possibly for its last customer.
 *
 * Inside, amounts are integers of minor units and dates are epoch days; they are formatted
 * (major-unit decimals, YYYY-MM-DD) only when rows are produced. Amount magnitudes are set in
 * US dollars and converted with fixed demo rates ({@link UNITS_PER_USD}).
 */
import { currencyExponent, formatMinor } from '../money/currency.ts';
import { addMonths, fromEpochDay, isLocalDate, toEpochDay, type LocalDate } from '../time/date.ts';
import { toLocal } from '../time/zone.ts';
import type { HoldKind, Product } from '../ledger/types.ts';
import { Random, type Seed } from './random.ts';

// ---------------------------------------------------------------------------------------------
// Public shapes

export interface GenerateOptions {
  /** Number of accounts to generate (customers follow: about 1.3 accounts each). */
  accounts: number;
  seed: Seed;
  /** The portfolio's "today": no payment is later, schedules run on past it. */
  asOf: LocalDate;
}

export type PortfolioFile = 'customers' | 'accounts' | 'instalments' | 'payments' | 'holds';

/** The files in the order they are usually imported. */
export const PORTFOLIO_FILES: readonly PortfolioFile[] = [
  'customers',
  'accounts',
  'instalments',
  'payments',
  'holds',
];

/** The CSV columns of each file, in order. */
export const PORTFOLIO_COLUMNS: Readonly<Record<PortfolioFile, readonly string[]>> = {
  customers: [
    'customer_id',
    'name',
    'phone',
    'email',
    'address',
    'latitude',
    'longitude',
    'timezone',
    'language',
    'jurisdiction',
  ],
  accounts: [
    'account_id',
    'customer_id',
    'product',
    'currency',
    'principal',
    'opened_on',
    'grace_days',
  ],
  instalments: ['account_id', 'seq', 'due_date', 'principal_due', 'interest_due', 'fees_due'],
  payments: ['payment_id', 'account_id', 'paid_on', 'amount'],
  holds: ['account_id', 'kind', 'from', 'to'],
};

/** One line of one file: `values` in the order of {@link PORTFOLIO_COLUMNS}. */
export type PortfolioRow = { [F in PortfolioFile]: { file: F; values: string[] } }[PortfolioFile];

export type { HoldKind, Product };
export type Region = 'CN' | 'US' | 'UK';
export type Language = 'en' | 'zh-CN';
export type PayerType = 'onTime' | 'late' | 'partial' | 'cured' | 'defaulted' | 'overpayer';

export interface Customer {
  id: string;
  name: string;
  phone: string;
  email: string;
  address: string;
  latitude: number;
  longitude: number;
  timezone: string;
  language: Language;
  jurisdiction: Region;
}

export interface Account {
  id: string;
  customerId: string;
  product: Product;
  currency: string;
  /** Minor units. */
  principal: number;
  openedOn: LocalDate;
  /** Days of grace written in the file; null leaves the column empty (product default). */
  graceDays: number | null;
}

export interface Instalment {
  seq: number;
  dueDate: LocalDate;
  /** Minor units. */
  principalDue: number;
  interestDue: number;
  feesDue: number;
}

export interface Payment {
  paidOn: LocalDate;
  /** When set, what the file says instead of the date: a timestamp with the zone's offset. */
  timestamp: string | null;
  /** Minor units. */
  amount: number;
}

export interface Hold {
  kind: HoldKind;
  from: LocalDate;
  to: LocalDate | null;
}

export interface AccountRecord {
  account: Account;
  /** The behaviour that produced the payments (not written to any file). */
  payer: PayerType;
  instalments: Instalment[];
  payments: Payment[];
  hold: Hold | null;
}

export interface CustomerRecord {
  customer: Customer;
  accounts: AccountRecord[];
}

// ---------------------------------------------------------------------------------------------
// The model's numbers (documented in docs/demo-portfolio.md)

/** Where customers live: close to the split of the portfolios Recoup is aimed at. */
export const REGION_MIX: Readonly<Record<Region, number>> = { CN: 0.45, US: 0.4, UK: 0.15 };

/** Share of US customers who prefer Chinese (names and language zh-CN). */
export const US_CHINESE_SPEAKER_SHARE = 0.04;

/** Accounts per customer as [count, probability]: 1 × 0.75 + 2 × 0.2 + 3 × 0.05 = 1.3. */
export const ACCOUNTS_PER_CUSTOMER: readonly (readonly [number, number])[] = [
  [1, 0.75],
  [2, 0.2],
  [3, 0.05],
];

export const PRODUCT_MIX: Readonly<Record<Product, number>> = {
  loan: 0.4,
  card: 0.3,
  bnpl: 0.2,
  invoice: 0.1,
};

/** Accounts in a currency other than the region's, to exercise other minor-unit exponents. */
export const OTHER_CURRENCY_SHARE = 0.02;
export const OTHER_CURRENCIES: readonly string[] = ['JPY', 'HKD'];
export const REGION_CURRENCY: Readonly<Record<Region, string>> = {
  CN: 'CNY',
  US: 'USD',
  UK: 'GBP',
};

/** Fixed demo exchange rates: magnitudes are chosen in USD and converted with these. */
export const UNITS_PER_USD: Readonly<Record<string, number>> = {
  USD: 1,
  CNY: 7.2,
  GBP: 0.79,
  HKD: 7.8,
  JPY: 150,
};

/** How customers pay (per account). The probabilities add up to 1. */
export const BEHAVIOUR_MIX: Readonly<Record<PayerType, number>> = {
  /** Pays each instalment in full between 5 days before and the due date. */
  onTime: 0.6,
  /** Pays each instalment in full 3–45 days late (oldest first). */
  late: 0.15,
  /** Pays 30–90 % of each instalment; now and then pays everything outstanding. */
  partial: 0.08,
  /** Pays, stops for 1–4 months, then pays all arrears in one or two payments. */
  cured: 0.07,
  /** Pays for a while, then never again. */
  defaulted: 0.07,
  /** Pays one time more than due (or settles the whole schedule early), leaving a credit. */
  overpayer: 0.03,
};

/** Partial payers pay everything outstanding at an instalment with this probability. */
export const PARTIAL_CATCH_UP_CHANCE = 0.2;

/** Share of overpayers who settle the whole schedule early (the others overpay once). */
export const EARLY_SETTLEMENT_SHARE = 0.5;

/** A customer's second and third accounts copy the first one's payer type this often. */
export const SAME_PAYER_SHARE = 0.5;

/** Share of payments written as a timestamp with offset rather than a date. */
export const TIMESTAMP_PAYMENT_SHARE = 0.1;

/** Share of customers without an email address. */
export const EMPTY_EMAIL_SHARE = 0.1;

/** Share of accounts whose grace_days column is left empty (the product default applies). */
export const EMPTY_GRACE_SHARE = 0.15;

/** The days of grace written per product (cards: either value). */
export const PRODUCT_GRACE_DAYS: Readonly<Record<Product, readonly number[]>> = {
  loan: [3],
  card: [0, 5],
  bnpl: [0],
  invoice: [7],
};

/** The grace assumed for an empty grace_days column when deciding whether a payment is late. */
export const DEFAULT_GRACE_DAYS: Readonly<Record<Product, number>> = {
  loan: 3,
  card: 0,
  bnpl: 0,
  invoice: 7,
};

/**
 * Probability that an account has a hold, by payer type: holds go mostly with arrears
 * (0.6 × 0.003 + 0.15 × 0.04 + 0.08 × 0.06 + 0.07 × 0.08 + 0.07 × 0.18 ≈ 3.1 % overall).
 */
export const HOLD_PROBABILITY: Readonly<Record<PayerType, number>> = {
  onTime: 0.003,
  late: 0.04,
  partial: 0.06,
  cured: 0.08,
  defaulted: 0.18,
  overpayer: 0,
};

export const HOLD_KIND_MIX: Readonly<Record<HoldKind, number>> = {
  hardship: 0.45,
  dispute: 0.25,
  other: 0.15,
  bankruptcy: 0.1,
  deceased: 0.05,
};

/** Share of hardship, dispute and other holds still open (`to` empty); the rest have an end. */
export const OPEN_HOLD_SHARE = 0.5;

/**
 * An account's payments add up to at most its total scheduled amount times (1 + this): only
 * overpayers exceed the schedule, by at most this share.
 */
export const MAX_OVERPAYMENT_SHARE = 0.1;

/** How far before as-of an account was opened, in days, by product. */
const OPENED_DAYS_AGO: Readonly<Record<Product, readonly [number, number]>> = {
  loan: [31, 730], // 1–24 months
  card: [62, 305], // 2–10 months: at least one statement due, at most 12 listed
  bnpl: [14, 420],
  invoice: [31, 240],
};

/** Defaulters are old enough to reach 180+ days past due; cured payers to have a gap. */
const MIN_DAYS_AGO_BY_PAYER: Partial<Readonly<Record<PayerType, number>>> = {
  defaulted: 213,
  cured: 92,
};

// Loans: level monthly payments, interest on the declining balance. Amounts in USD are
// log-normal around the median, clamped to [min, max], then converted.
const LOAN_MEDIAN_USD = 6000;
const LOAN_MIN_USD = 1000;
const LOAN_MAX_USD = 40000;
const LOAN_TERMS: readonly (readonly [number, number])[] = [
  [6, 0.45],
  [12, 0.4],
  [24, 0.15],
];
const LOAN_APRS: readonly number[] = [0.069, 0.099, 0.129, 0.159, 0.199, 0.239];
/** Loan principals are round numbers: multiples of this many major units. */
const LOAN_ROUNDING: Readonly<Record<string, number>> = {
  USD: 100,
  GBP: 100,
  CNY: 1000,
  HKD: 1000,
  JPY: 10000,
};

// Cards: one statement a month, the minimum due 21 days later (the US legal minimum).
const CARD_MEDIAN_USD = 1800;
const CARD_MIN_USD = 300;
const CARD_MAX_USD = 9000;
const CARD_APRS: readonly number[] = [0.1825, 0.2199, 0.2499, 0.2799, 0.2999];
const CARD_DAYS_TO_PAY = 21;
const CARD_MAX_STATEMENTS = 12;
/** Minimum due: interest plus 1 % of the balance, at least 25 USD (or the whole balance). */
const CARD_MIN_PRINCIPAL_SHARE = 0.01;
const CARD_MIN_PAYMENT_USD = 25;
const CARD_LATE_FEE_USD = 30;

// Buy now, pay later: four interest-free instalments a fortnight apart, the first two weeks
// after the purchase.
const BNPL_MEDIAN_USD = 180;
const BNPL_MIN_USD = 30;
const BNPL_MAX_USD = 1500;
const BNPL_INSTALMENTS = 4;
const BNPL_DAYS_BETWEEN = 14;
const BNPL_LATE_FEE_USD = 8;
/** The late fee is capped at this share of the instalment (as pay-in-4 providers do). */
const BNPL_LATE_FEE_CAP_SHARE = 0.25;

// Invoices: one to three utility-style monthly bills of similar size.
const INVOICE_MEDIAN_USD = 90;
const INVOICE_MIN_USD = 20;
const INVOICE_MAX_USD = 600;
const INVOICE_MAX_BILLS = 3;

// ---------------------------------------------------------------------------------------------
// Reference data: cities (with time zone and coordinates), names, streets

/** A city customers live in; `weight` is its share of the region's customers. */
interface City {
  name: string;
  zone: string;
  lat: number;
  lon: number;
  weight: number;
}

interface CnCity extends City {
  /** Province prefix of the address ('' for the municipalities). */
  province: string;
  districts: readonly string[];
}

interface UsCity extends City {
  state: string;
  areaCode: string;
  zipPrefix: string;
}

interface UkCity extends City {
  postcodeAreas: readonly string[];
}

const words = (text: string): readonly string[] => text.split(' ');

// [province, city, zone, latitude, longitude, weight, districts]. Xinjiang keeps its own
// clock (UTC+6) in everyday life, so Ürümqi customers are in Asia/Urumqi.
const CN_CITIES: readonly CnCity[] = (
  [
    ['', '上海市', 'Asia/Shanghai', 31.2304, 121.4737, 14, '浦东新区 徐汇区 静安区 黄浦区 闵行区'],
    ['', '北京市', 'Asia/Shanghai', 39.9042, 116.4074, 13, '朝阳区 海淀区 东城区 西城区 丰台区'],
    ['广东省', '广州市', 'Asia/Shanghai', 23.1291, 113.2644, 10, '天河区 越秀区 海珠区 白云区'],
    ['广东省', '深圳市', 'Asia/Shanghai', 22.5431, 114.0579, 10, '南山区 福田区 罗湖区 宝安区'],
    ['四川省', '成都市', 'Asia/Shanghai', 30.5728, 104.0668, 8, '武侯区 锦江区 青羊区 成华区'],
    ['浙江省', '杭州市', 'Asia/Shanghai', 30.2741, 120.1551, 7, '西湖区 上城区 拱墅区 滨江区'],
    ['湖北省', '武汉市', 'Asia/Shanghai', 30.5928, 114.3055, 6, '武昌区 江汉区 洪山区'],
    ['陕西省', '西安市', 'Asia/Shanghai', 34.3416, 108.9398, 5, '雁塔区 碑林区 未央区'],
    ['江苏省', '南京市', 'Asia/Shanghai', 32.0603, 118.7969, 5, '鼓楼区 玄武区 建邺区'],
    ['江苏省', '苏州市', 'Asia/Shanghai', 31.2989, 120.5853, 5, '姑苏区 吴中区 虎丘区'],
    ['', '重庆市', 'Asia/Shanghai', 29.4316, 106.9123, 6, '渝中区 江北区 南岸区'],
    ['', '天津市', 'Asia/Shanghai', 39.3434, 117.3616, 5, '和平区 河西区 南开区'],
    ['新疆维吾尔自治区', '乌鲁木齐市', 'Asia/Urumqi', 43.8256, 87.6168, 4, '天山区 沙依巴克区'],
  ] as const
).map(([province, name, zone, lat, lon, weight, districts]) => ({
  province,
  name,
  zone,
  lat,
  lon,
  weight,
  districts: words(districts),
}));

// [city, state, zone, latitude, longitude, weight, area code, ZIP prefix]. Weights follow the
// rough population split across the zones (Eastern > Central > Pacific > Mountain > Hawaii).
const US_CITIES: readonly UsCity[] = (
  [
    ['New York', 'NY', 'America/New_York', 40.7128, -74.006, 16, '212', '100'],
    ['Boston', 'MA', 'America/New_York', 42.3601, -71.0589, 6, '617', '021'],
    ['Philadelphia', 'PA', 'America/New_York', 39.9526, -75.1652, 7, '215', '191'],
    ['Atlanta', 'GA', 'America/New_York', 33.749, -84.388, 8, '404', '303'],
    ['Miami', 'FL', 'America/New_York', 25.7617, -80.1918, 9, '305', '331'],
    ['Chicago', 'IL', 'America/Chicago', 41.8781, -87.6298, 10, '312', '606'],
    ['Houston', 'TX', 'America/Chicago', 29.7604, -95.3698, 9, '713', '770'],
    ['Dallas', 'TX', 'America/Chicago', 32.7767, -96.797, 7, '214', '752'],
    ['Minneapolis', 'MN', 'America/Chicago', 44.9778, -93.265, 3, '612', '554'],
    ['Denver', 'CO', 'America/Denver', 39.7392, -104.9903, 4, '303', '802'],
    ['Salt Lake City', 'UT', 'America/Denver', 40.7608, -111.891, 2, '801', '841'],
    ['Albuquerque', 'NM', 'America/Denver', 35.0844, -106.6504, 1, '505', '871'],
    ['Los Angeles', 'CA', 'America/Los_Angeles', 34.0522, -118.2437, 8, '213', '900'],
    ['San Francisco', 'CA', 'America/Los_Angeles', 37.7749, -122.4194, 4, '415', '941'],
    ['Seattle', 'WA', 'America/Los_Angeles', 47.6062, -122.3321, 3, '206', '981'],
    ['San Diego', 'CA', 'America/Los_Angeles', 32.7157, -117.1611, 2, '619', '921'],
    ['Honolulu', 'HI', 'Pacific/Honolulu', 21.3069, -157.8583, 1, '808', '968'],
  ] as const
).map(([name, state, zone, lat, lon, weight, areaCode, zipPrefix]) => ({
  name,
  state,
  zone,
  lat,
  lon,
  weight,
  areaCode,
  zipPrefix,
}));

// [city, latitude, longitude, weight, postcode districts]. All of the UK is Europe/London.
const UK_CITIES: readonly UkCity[] = (
  [
    ['London', 51.5074, -0.1278, 30, 'E1 N1 SE1 SW11 NW3 W2'],
    ['Manchester', 53.4808, -2.2426, 10, 'M1 M14 M20'],
    ['Birmingham', 52.4862, -1.8904, 10, 'B1 B15 B29'],
    ['Leeds', 53.8008, -1.5491, 7, 'LS1 LS6 LS17'],
    ['Glasgow', 55.8642, -4.2518, 7, 'G1 G12 G41'],
    ['Edinburgh', 55.9533, -3.1883, 5, 'EH1 EH3 EH10'],
    ['Bristol', 51.4545, -2.5879, 5, 'BS1 BS6 BS8'],
    ['Cardiff', 51.4816, -3.1791, 4, 'CF10 CF11 CF24'],
  ] as const
).map(([name, lat, lon, weight, areas]) => ({
  name,
  zone: 'Europe/London',
  lat,
  lon,
  weight,
  postcodeAreas: words(areas),
}));

/** Common Chinese surnames (character, pinyin), weighted roughly by frequency (%). */
const CN_SURNAMES: readonly (readonly [readonly [string, string], number])[] = (
  [
    ['王', 'wang', 7.1],
    ['李', 'li', 7.0],
    ['张', 'zhang', 6.7],
    ['刘', 'liu', 5.4],
    ['陈', 'chen', 4.6],
    ['杨', 'yang', 3.1],
    ['黄', 'huang', 2.4],
    ['赵', 'zhao', 2.2],
    ['吴', 'wu', 2.0],
    ['周', 'zhou', 1.9],
    ['徐', 'xu', 1.3],
    ['孙', 'sun', 1.3],
    ['马', 'ma', 1.2],
    ['朱', 'zhu', 1.2],
    ['胡', 'hu', 1.1],
    ['郭', 'guo', 1.1],
    ['何', 'he', 0.9],
    ['林', 'lin', 0.9],
    ['高', 'gao', 0.9],
    ['罗', 'luo', 0.8],
    ['郑', 'zheng', 0.8],
    ['梁', 'liang', 0.7],
    ['谢', 'xie', 0.6],
    ['宋', 'song', 0.5],
    ['唐', 'tang', 0.5],
    ['韩', 'han', 0.5],
    ['冯', 'feng', 0.5],
    ['邓', 'deng', 0.5],
    ['曹', 'cao', 0.4],
  ] as const
).map(([name, pinyin, weight]) => [[name, pinyin], weight] as const);

/** Common given names as `characters:pinyin`, one or two characters. */
const CN_GIVEN_NAMES: readonly (readonly [string, string])[] = words(
  '伟:wei 芳:fang 娜:na 敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan ' +
    '杰:jie 娟:juan 涛:tao 明:ming 超:chao 霞:xia 平:ping 刚:gang 华:hua 秀英:xiuying ' +
    '桂英:guiying 建华:jianhua 建国:jianguo 志强:zhiqiang 晓明:xiaoming 海燕:haiyan ' +
    '欣怡:xinyi 子涵:zihan 浩然:haoran 宇轩:yuxuan 梓萱:zixuan 思远:siyuan 雨桐:yutong 俊杰:junjie',
).map((pair) => pair.split(':') as [string, string]);

const CN_ROADS = words(
  '人民路 中山路 解放路 建设路 和平路 长江路 黄河路 新华路 文化路 胜利路 青年路 幸福路',
);

// English-language first names, including a few accented ones so UTF-8 is exercised.
const EN_FIRST_NAMES = words(
  'James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara ' +
    'Richard Susan Joseph Jessica Thomas Sarah Charles Karen Christopher Emily Daniel Olivia ' +
    'Matthew Sophie Anthony Emma George Amelia Harry Isla Oliver Grace Jack Chloé José María ' +
    'Priya Mohammed Aisha Kenji',
);

const EN_LAST_NAMES = words(
  'Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez ' +
    'Wilson Anderson Taylor Thomas Moore Jackson Martin Lee Thompson White Harris Clark Lewis ' +
    "Walker Young Allen King Wright Evans Roberts Hughes Wood Edwards Patel Khan Murphy O'Brien " +
    "O'Connor Nguyen Kim Singh",
);

const US_STREETS = words(
  'Main Oak Maple Cedar Elm Washington Lake Hill Park Pine Sunset Lincoln Jefferson Madison ' +
    'Franklin Highland Church Spring Ridge River',
);
const US_STREET_SUFFIXES = words('St Ave Blvd Rd Dr Ln Way Ct');
const US_UNIT_LETTERS = words('A B C D');

const UK_STREETS: readonly string[] = [
  'High Street',
  'Station Road',
  'Church Lane',
  'Victoria Road',
  'Green Lane',
  'Manor Road',
  'Park Road',
  'Queen Street',
  'King Street',
  'Mill Lane',
  'The Crescent',
  'London Road',
];
const UK_HOUSE_NAMES: readonly string[] = [
  'Rose Cottage',
  'The Willows',
  'Orchard House',
  'The Old Rectory',
  'Ivy Cottage',
];
/** Letters used in the inward half of UK postcodes. */
const UK_POSTCODE_LETTERS: readonly string[] = [...'ABDEFGHJLNPQRSTUWXYZ'];

/** Mobile prefixes of China Mobile, Unicom and Telecom. */
const CN_MOBILE_PREFIXES = words(
  '130 131 132 133 135 136 137 138 139 150 151 152 157 158 159 177 186 187 188 189 199',
);

/** Reserved example domains (RFC 2606): nobody receives these emails. */
const EMAIL_DOMAINS = words('example.com example.net example.org');

/** Coordinates are scattered around the city centre by this many degrees (standard deviation). */
const COORDINATE_SPREAD_DEG = 0.04;

// ---------------------------------------------------------------------------------------------
// Small helpers

const DAY_MS = 86_400_000;

/** `[key, weight]` pairs of a probability table, computed once for {@link Random.weighted}. */
function entriesOf<K extends string>(table: Readonly<Record<K, number>>): [K, number][] {
  return Object.entries(table) as [K, number][];
}

function weightedEntries<T extends { weight: number }>(items: readonly T[]): [T, number][] {
  return items.map((item) => [item, item.weight]);
}

const REGION_ENTRIES = entriesOf(REGION_MIX);
const PRODUCT_ENTRIES = entriesOf(PRODUCT_MIX);
const BEHAVIOUR_ENTRIES = entriesOf(BEHAVIOUR_MIX);
const HOLD_KIND_ENTRIES = entriesOf(HOLD_KIND_MIX);
const CN_CITY_ENTRIES = weightedEntries(CN_CITIES);
const US_CITY_ENTRIES = weightedEntries(US_CITIES);
const UK_CITY_ENTRIES = weightedEntries(UK_CITIES);

/**
 * Date arithmetic goes through the shared LocalDate helpers; a portfolio uses only a few
 * thousand distinct days, so results are memoised per generation run.
 */
class Calendar {
  private readonly dates = new Map<number, LocalDate>();
  private readonly months = new Map<number, number>();

  date(day: number): LocalDate {
    let d = this.dates.get(day);
    if (d === undefined) {
      d = fromEpochDay(day);
      this.dates.set(day, d);
    }
    return d;
  }

  /** The day `months` (0–63) months after `day`: same day of month, clamped to its end. */
  monthsAfter(day: number, months: number): number {
    const key = day * 64 + months;
    let d = this.months.get(key);
    if (d === undefined) {
      d = toEpochDay(addMonths(this.date(day), months));
      this.months.set(key, d);
    }
    return d;
  }
}

function digits(rng: Random, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(rng.int(0, 9));
  return s;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** `usd` US dollars in `currency`'s minor units (fixed demo rates). */
function usdToMinor(usd: number, currency: string): number {
  const rate = UNITS_PER_USD[currency] ?? 1;
  return Math.round(usd * rate * 10 ** currencyExponent(currency));
}

function roundToMultiple(minor: number, step: number): number {
  return Math.max(step, Math.round(minor / step) * step);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

// ---------------------------------------------------------------------------------------------
// Customers

interface Place {
  zone: string;
  lat: number;
  lon: number;
  address: string;
  phone: string;
}

function chineseName(rng: Random): { name: string; ascii: [string, string] } {
  const [surname, surnamePinyin] = rng.weighted(CN_SURNAMES);
  const [given, givenPinyin] = rng.pick(CN_GIVEN_NAMES);
  return { name: surname + given, ascii: [givenPinyin, surnamePinyin] };
}

function englishName(rng: Random): { name: string; ascii: [string, string] } {
  const first = rng.pick(EN_FIRST_NAMES);
  const last = rng.pick(EN_LAST_NAMES);
  return { name: `${first} ${last}`, ascii: [asciiLetters(first), asciiLetters(last)] };
}

/** Lower-case ASCII letters only: `José` → `jose`, `O'Brien` → `obrien`. */
function asciiLetters(s: string): string {
  return s
    .normalize('NFD')
    .replace(/[^A-Za-z]/g, '')
    .toLowerCase();
}

function email(rng: Random, [first, last]: [string, string]): string {
  if (rng.chance(EMPTY_EMAIL_SHARE)) return '';
  const domain = rng.pick(EMAIL_DOMAINS);
  const style = rng.int(0, 2);
  if (style === 0) return `${first}.${last}@${domain}`;
  if (style === 1) return `${first}${last}${rng.int(1, 99)}@${domain}`;
  return `${first.slice(0, 1)}${last}${rng.int(100, 9999)}@${domain}`;
}

function chinaPlace(rng: Random): Place {
  const city = rng.weighted(CN_CITY_ENTRIES);
  const address =
    `${city.province}${city.name}${rng.pick(city.districts)}${rng.pick(CN_ROADS)}` +
    `${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(1, 4)}单元${rng.int(1, 32)}0${rng.int(1, 8)}室`;
  return {
    zone: city.zone,
    lat: city.lat,
    lon: city.lon,
    address,
    phone: `+86${rng.pick(CN_MOBILE_PREFIXES)}${digits(rng, 8)}`,
  };
}

function usPlace(rng: Random): Place {
  const city = rng.weighted(US_CITY_ENTRIES);
  const street = `${rng.int(1, 9999)} ${rng.pick(US_STREETS)} ${rng.pick(US_STREET_SUFFIXES)}`;
  const unit = rng.chance(0.3) ? `, Apt ${rng.int(1, 30)}${rng.pick(US_UNIT_LETTERS)}` : '';
  return {
    zone: city.zone,
    lat: city.lat,
    lon: city.lon,
    address: `${street}${unit}, ${city.name}, ${city.state} ${city.zipPrefix}${digits(rng, 2)}`,
    // 555-0100 to 555-0199 is reserved for fiction in every US area code.
    phone: `+1${city.areaCode}55501${digits(rng, 2)}`,
  };
}

function ukPlace(rng: Random): Place {
  const city = rng.weighted(UK_CITY_ENTRIES);
  const postcode =
    `${rng.pick(city.postcodeAreas)} ${rng.int(1, 9)}` +
    `${rng.pick(UK_POSTCODE_LETTERS)}${rng.pick(UK_POSTCODE_LETTERS)}`;
  const street = rng.pick(UK_STREETS);
  // A few addresses carry a quoted house name, which exercises CSV quote doubling.
  const firstLine = rng.chance(0.02)
    ? `"${rng.pick(UK_HOUSE_NAMES)}", ${street}`
    : `${rng.chance(0.25) ? `Flat ${rng.int(1, 24)}, ` : ''}${rng.int(1, 200)} ${street}`;
  return {
    zone: city.zone,
    lat: city.lat,
    lon: city.lon,
    address: `${firstLine}, ${city.name} ${postcode}`,
    // 07700 900000 to 900999 is Ofcom's range for drama.
    phone: `+447700900${digits(rng, 3)}`,
  };
}

function makeCustomer(rng: Random, id: string): Customer {
  const region = rng.weighted(REGION_ENTRIES);
  const place = region === 'CN' ? chinaPlace(rng) : region === 'US' ? usPlace(rng) : ukPlace(rng);
  const language: Language =
    region === 'CN' || (region === 'US' && rng.chance(US_CHINESE_SPEAKER_SHARE)) ? 'zh-CN' : 'en';
  const { name, ascii } = language === 'zh-CN' ? chineseName(rng) : englishName(rng);
  return {
    id,
    name,
    phone: place.phone,
    email: email(rng, ascii),
    address: place.address,
    latitude: place.lat + rng.normal(0, COORDINATE_SPREAD_DEG),
    longitude: place.lon + rng.normal(0, COORDINATE_SPREAD_DEG),
    timezone: place.zone,
    language,
    jurisdiction: region,
  };
}

// ---------------------------------------------------------------------------------------------
// Schedules (amounts in minor units, dates in epoch days)

interface ScheduleLine {
  dueDay: number;
  principal: number;
  interest: number;
}

interface Schedule {
  principal: number;
  lines: ScheduleLine[];
}

interface ScheduleInput {
  rng: Random;
  cal: Calendar;
  currency: string;
  openedDay: number;
  asOfDay: number;
}

/** Level monthly payments; each month's interest is on the balance still owed. */
function loanSchedule({ rng, cal, currency, openedDay }: ScheduleInput): Schedule {
  const term = rng.weighted(LOAN_TERMS);
  const step = (LOAN_ROUNDING[currency] ?? 100) * 10 ** currencyExponent(currency);
  const usd = rng.lognormal(LOAN_MEDIAN_USD, 0.7, LOAN_MIN_USD, LOAN_MAX_USD);
  const principal = roundToMultiple(usdToMinor(usd, currency), step);
  const rate = rng.pick(LOAN_APRS) / 12;
  const level = Math.round((principal * rate) / (1 - (1 + rate) ** -term));
  const lines: ScheduleLine[] = [];
  let balance = principal;
  for (let k = 1; k <= term; k++) {
    const interest = Math.round(balance * rate);
    const principalDue = k === term ? balance : Math.min(balance, level - interest);
    balance -= principalDue;
    lines.push({ dueDay: cal.monthsAfter(openedDay, k), principal: principalDue, interest });
  }
  return { principal, lines };
}

/**
 * One statement a month from opening, each asking for the minimum (interest plus 1 % of the
 * balance, at least 25 USD), up to and including the first one due after as-of. The schedule
 * assumes the minimum is paid; arrears show as unpaid instalments rather than a bigger balance.
 */
function cardSchedule({ rng, cal, currency, openedDay, asOfDay }: ScheduleInput): Schedule {
  const usd = Math.round(rng.lognormal(CARD_MEDIAN_USD, 0.8, CARD_MIN_USD, CARD_MAX_USD));
  const principal = usdToMinor(usd, currency);
  const rate = rng.pick(CARD_APRS) / 12;
  const floor = usdToMinor(CARD_MIN_PAYMENT_USD, currency);
  const lines: ScheduleLine[] = [];
  let balance = principal;
  for (let k = 1; k <= CARD_MAX_STATEMENTS && balance > 0; k++) {
    const dueDay = cal.monthsAfter(openedDay, k) + CARD_DAYS_TO_PAY;
    const interest = Math.round(balance * rate);
    const wanted = Math.max(Math.round(balance * CARD_MIN_PRINCIPAL_SHARE), floor - interest, 1);
    const principalDue = Math.min(balance, wanted);
    balance -= principalDue;
    lines.push({ dueDay, principal: principalDue, interest });
    if (dueDay > asOfDay) break;
  }
  return { principal, lines };
}

/** A purchase split into four equal parts a fortnight apart; the first takes the odd cents. */
function bnplSchedule({ rng, currency, openedDay }: ScheduleInput): Schedule {
  const usd = rng.lognormal(BNPL_MEDIAN_USD, 0.8, BNPL_MIN_USD, BNPL_MAX_USD);
  const principal = Math.max(BNPL_INSTALMENTS, usdToMinor(usd, currency));
  const part = Math.floor(principal / BNPL_INSTALMENTS);
  const lines: ScheduleLine[] = [];
  for (let k = 1; k <= BNPL_INSTALMENTS; k++) {
    const odd = k === 1 ? principal - part * BNPL_INSTALMENTS : 0;
    lines.push({ dueDay: openedDay + k * BNPL_DAYS_BETWEEN, principal: part + odd, interest: 0 });
  }
  return { principal, lines };
}

/** Utility-style bills: one a month, each within ±20 % of the customer's usual bill. */
function invoiceSchedule({ rng, cal, currency, openedDay }: ScheduleInput): Schedule {
  const usual = rng.lognormal(INVOICE_MEDIAN_USD, 0.6, INVOICE_MIN_USD, INVOICE_MAX_USD);
  const bills = rng.int(1, INVOICE_MAX_BILLS);
  const lines: ScheduleLine[] = [];
  for (let k = 1; k <= bills; k++) {
    const amount = Math.max(1, usdToMinor(usual * rng.uniform(0.8, 1.2), currency));
    lines.push({ dueDay: cal.monthsAfter(openedDay, k), principal: amount, interest: 0 });
  }
  return { principal: sum(lines.map((l) => l.principal)), lines };
}

const SCHEDULES: Readonly<Record<Product, (input: ScheduleInput) => Schedule>> = {
  loan: loanSchedule,
  card: cardSchedule,
  bnpl: bnplSchedule,
  invoice: invoiceSchedule,
};

// ---------------------------------------------------------------------------------------------
// Behaviour: first the day each instalment is settled (which decides late fees), then, once
// the amounts are final, the payments that settle them

interface PlannedPayment {
  day: number;
  amount: number;
}

interface PaymentPlan {
  /** Per instalment, the day it is paid in full, or NEVER when that is not by as-of. */
  settledOn: number[];
  /** The payments, once the instalments' amounts (including late fees) are final. */
  payments(amounts: readonly number[]): PlannedPayment[];
}

interface PlanInput {
  rng: Random;
  cal: Calendar;
  dueDays: readonly number[];
  openedDay: number;
  asOfDay: number;
}

const NEVER = Number.POSITIVE_INFINITY;

/** The number of instalments due on or before as-of (they come first: dates ascend). */
function dueCount(dueDays: readonly number[], asOfDay: number): number {
  let n = 0;
  while (n < dueDays.length && (dueDays[n] as number) <= asOfDay) n++;
  return n;
}

/** On time: up to 5 days early, never before the account opened. */
function onTimeDay(rng: Random, dueDay: number, openedDay: number): number {
  return Math.max(openedDay, dueDay - rng.int(0, 5));
}

/** One payment per settlement day, for the instalments settled that day. */
function paymentsBySettlement(
  settledOn: readonly number[],
  amounts: readonly number[],
): PlannedPayment[] {
  const byDay = new Map<number, number>();
  settledOn.forEach((day, i) => {
    if (day !== NEVER) byDay.set(day, (byDay.get(day) ?? 0) + (amounts[i] as number));
  });
  return [...byDay].map(([day, amount]) => ({ day, amount }));
}

function fullPaymentPlan(settledOn: number[]): PaymentPlan {
  return { settledOn, payments: (amounts) => paymentsBySettlement(settledOn, amounts) };
}

/** Every instalment due by as-of, in full, up to 5 days early. */
function planOnTime({ rng, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  return fullPaymentPlan(
    dueDays.map((due) => (due <= asOfDay ? onTimeDay(rng, due, openedDay) : NEVER)),
  );
}

/** In full, 3–45 days late, oldest first; what would be paid after as-of is not paid yet. */
function planLate({ rng, dueDays, asOfDay }: PlanInput): PaymentPlan {
  let previous = 0;
  return fullPaymentPlan(
    dueDays.map((due) => {
      if (due > asOfDay) return NEVER;
      const day = Math.max(previous, due + rng.int(3, 45));
      previous = day;
      return day <= asOfDay ? day : NEVER;
    }),
  );
}

/**
 * Pays the first instalments (on time, or 3–20 days late 30 % of the time), then never again.
 * The instalment it stops at is uniform over those due, so old accounts reach 180+ days.
 */
function planDefaulted({ rng, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  const stopAt = rng.int(0, Math.max(0, dueCount(dueDays, asOfDay) - 1));
  return fullPaymentPlan(
    dueDays.map((due, i) => {
      if (i >= stopAt) return NEVER;
      if (rng.chance(0.3)) return Math.min(asOfDay, due + rng.int(3, 20));
      return onTimeDay(rng, due, openedDay);
    }),
  );
}

/**
 * 30–90 % of each instalment up to 3 days before its due date; with probability 0.2 at an
 * instalment, the whole of it plus every shortfall so far (a catch-up). Shortfalls count as
 * settled only by a catch-up.
 */
function planPartial({ rng, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  const steps = dueDays.slice(0, dueCount(dueDays, asOfDay)).map((dueDay) => ({
    day: Math.max(openedDay, dueDay - rng.int(0, 3)),
    share: rng.uniform(0.3, 0.9),
    catchUp: rng.chance(PARTIAL_CATCH_UP_CHANCE),
  }));
  const settledOn: number[] = dueDays.map(() => NEVER);
  let pending: number[] = [];
  steps.forEach((step, i) => {
    pending.push(i);
    if (step.catchUp) {
      for (const j of pending) settledOn[j] = step.day;
      pending = [];
    }
  });
  return {
    settledOn,
    payments(amounts) {
      let shortfall = 0;
      return steps.map((step, i) => {
        const amount = amounts[i] as number;
        if (step.catchUp) {
          const paid = amount + shortfall;
          shortfall = 0;
          return { day: step.day, amount: paid };
        }
        const part = Math.min(Math.max(1, Math.round(amount * step.share)), amount);
        shortfall += amount - part;
        return { day: step.day, amount: part };
      });
    },
  };
}

/**
 * On time, then a gap of 1–4 months from a due date, then all arrears at once or (40 %) in two
 * payments 5–20 days apart, then on time again. A gap still running at as-of is not cured yet.
 */
function planCured({ rng, cal, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  const due = dueCount(dueDays, asOfDay);
  const gapStart = rng.int(0, Math.max(0, due - 1));
  const cureDay = cal.monthsAfter(dueDays[gapStart] as number, rng.int(1, 4)) + rng.int(0, 10);
  const cured = cureDay <= asOfDay;
  const split = cured && rng.chance(0.4);
  const lastCureDay = split ? Math.min(asOfDay, cureDay + rng.int(5, 20)) : cureDay;
  const firstShare = rng.uniform(0.4, 0.7);
  const missed = (i: number) => i >= gapStart && (dueDays[i] as number) < cureDay;
  const settledOn = dueDays.map((dueDay, i) => {
    if (i >= due) return NEVER;
    if (missed(i)) return cured ? lastCureDay : NEVER;
    const day = onTimeDay(rng, dueDay, openedDay);
    return i > gapStart ? Math.max(day, lastCureDay) : day;
  });
  return {
    settledOn,
    payments(amounts) {
      if (!split) return paymentsBySettlement(settledOn, amounts);
      const arrears = sum(amounts.filter((_, i) => missed(i)));
      const first = Math.round(arrears * firstShare);
      const out = paymentsBySettlement(
        settledOn.map((day, i) => (missed(i) ? NEVER : day)),
        amounts,
      );
      if (first <= 0 || first >= arrears) out.push({ day: lastCureDay, amount: arrears });
      else out.push({ day: cureDay, amount: first }, { day: lastCureDay, amount: arrears - first });
      return out;
    },
  };
}

/**
 * On time, and once more than due: half of them settle the whole remaining schedule at an
 * instalment (future instalments included, then nothing more); the others pay 10–100 % over
 * one instalment, capped so the payments stay within MAX_OVERPAYMENT_SHARE of the schedule.
 */
function planOverpayer(input: PlanInput): PaymentPlan {
  const { rng, dueDays, openedDay, asOfDay } = input;
  const at = rng.int(0, Math.max(0, dueCount(dueDays, asOfDay) - 1));
  const settlesEarly = rng.chance(EARLY_SETTLEMENT_SHARE) && at < dueDays.length - 1;
  const base = planOnTime(input);
  if (settlesEarly) {
    const day = onTimeDay(rng, dueDays[at] as number, openedDay);
    return fullPaymentPlan(base.settledOn.map((d, i) => (i >= at ? day : d)));
  }
  const extraShare = rng.uniform(0.1, 1);
  return {
    settledOn: base.settledOn,
    payments(amounts) {
      const out = base.payments(amounts);
      const cap = Math.floor(sum(amounts) * MAX_OVERPAYMENT_SHARE);
      const extra = Math.min(cap, Math.max(1, Math.round((amounts[at] as number) * extraShare)));
      const target = out.find((p) => p.day === base.settledOn[at]);
      if (target) target.amount += extra;
      return out;
    },
  };
}

const PLANNERS: Readonly<Record<PayerType, (input: PlanInput) => PaymentPlan>> = {
  onTime: planOnTime,
  late: planLate,
  partial: planPartial,
  cured: planCured,
  defaulted: planDefaulted,
  overpayer: planOverpayer,
};

/** Not paid in full by the end of the grace period, and that end is before as-of. */
function isLate(settledOn: number, dueDay: number, graceDays: number, asOfDay: number): boolean {
  const graceEnd = dueDay + graceDays;
  return graceEnd < asOfDay && settledOn > graceEnd;
}

/**
 * Late fees: a card's late fee goes on the statement after the missed one; a pay-in-4 late fee
 * on the late instalment itself (capped at a quarter of it). Loans and invoices carry none.
 */
function lateFees(
  product: Product,
  currency: string,
  lines: readonly ScheduleLine[],
  late: readonly boolean[],
): number[] {
  const fees = lines.map(() => 0);
  if (product === 'card') {
    const fee = usdToMinor(CARD_LATE_FEE_USD, currency);
    for (let i = 1; i < lines.length; i++) if (late[i - 1]) fees[i] = fee;
  } else if (product === 'bnpl') {
    const fee = usdToMinor(BNPL_LATE_FEE_USD, currency);
    lines.forEach((line, i) => {
      if (late[i]) fees[i] = Math.min(fee, Math.floor(line.principal * BNPL_LATE_FEE_CAP_SHARE));
    });
  }
  return fees;
}

// ---------------------------------------------------------------------------------------------
// Accounts

interface Context {
  asOfDay: number;
  cal: Calendar;
  /** UTC offsets in minutes by `zone|day`, computed once each. */
  offsets: Map<string, number>;
}

function pickCurrency(rng: Random, region: Region): string {
  return rng.chance(OTHER_CURRENCY_SHARE) ? rng.pick(OTHER_CURRENCIES) : REGION_CURRENCY[region];
}

function pickOpenedDay(rng: Random, product: Product, payer: PayerType, asOfDay: number): number {
  const [min, max] = OPENED_DAYS_AGO[product];
  const least = Math.min(max, Math.max(min, MIN_DAYS_AGO_BY_PAYER[payer] ?? 0));
  return asOfDay - rng.int(least, max);
}

function pickGraceDays(rng: Random, product: Product): number | null {
  return rng.chance(EMPTY_GRACE_SHARE) ? null : rng.pick(PRODUCT_GRACE_DAYS[product]);
}

/** The zone's UTC offset on `day`, in minutes, taken at 12:00 UTC (after any DST switch). */
function utcOffsetMinutes(ctx: Context, zone: string, day: number): number {
  const key = `${zone}|${day}`;
  let offset = ctx.offsets.get(key);
  if (offset === undefined) {
    const instant = day * DAY_MS + DAY_MS / 2;
    const local = toLocal(new Date(instant), zone);
    const minutes = (local.hour * 60 + local.minute) * 60 + local.second;
    offset = Math.round((toEpochDay(local.date) * DAY_MS + minutes * 1000 - instant) / 60_000);
    ctx.offsets.set(key, offset);
  }
  return offset;
}

/**
 * A wall-clock time between 07:00 and 23:59 on `day` in `zone`, with the zone's offset. DST
 * switches happen before 07:00 local, so the offset at 12:00 UTC applies (the zones used are
 * between UTC-10 and UTC+8, where 12:00 UTC falls on the same local day).
 */
function timestampOn(ctx: Context, rng: Random, zone: string, day: number): string {
  const offset = utcOffsetMinutes(ctx, zone, day);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const time = `${pad(rng.int(7, 23), 2)}:${pad(rng.int(0, 59), 2)}:00`;
  return `${ctx.cal.date(day)}T${time}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** A hold starting after the first late instalment's grace period if any, else after opening. */
function makeHold(ctx: Context, rng: Random, earliestDay: number): Hold {
  const kind = rng.weighted(HOLD_KIND_ENTRIES);
  const fromDay = rng.int(Math.min(ctx.asOfDay, earliestDay), ctx.asOfDay);
  // Bankruptcy and death do not end; other holds have an end (past or planned) half the time.
  const open = kind === 'bankruptcy' || kind === 'deceased' || rng.chance(OPEN_HOLD_SHARE);
  return {
    kind,
    from: ctx.cal.date(fromDay),
    to: open ? null : ctx.cal.date(fromDay + rng.int(14, 120)),
  };
}

function makeAccount(
  ctx: Context,
  rng: Random,
  customer: Customer,
  id: string,
  payer: PayerType,
): AccountRecord {
  const { asOfDay, cal } = ctx;
  const product = rng.weighted(PRODUCT_ENTRIES);
  const currency = pickCurrency(rng, customer.jurisdiction);
  const openedDay = pickOpenedDay(rng, product, payer, asOfDay);
  const graceDays = pickGraceDays(rng, product);
  const grace = graceDays ?? DEFAULT_GRACE_DAYS[product];
  const schedule = SCHEDULES[product]({ rng, cal, currency, openedDay, asOfDay });
  const dueDays = schedule.lines.map((l) => l.dueDay);

  const plan = PLANNERS[payer]({ rng, cal, dueDays, openedDay, asOfDay });
  const late = dueDays.map((due, i) => isLate(plan.settledOn[i] as number, due, grace, asOfDay));
  const fees = lateFees(product, currency, schedule.lines, late);
  const instalments = schedule.lines.map((line, i) => ({
    seq: i + 1,
    dueDate: cal.date(line.dueDay),
    principalDue: line.principal,
    interestDue: line.interest,
    feesDue: fees[i] as number,
  }));
  const amounts = instalments.map((x) => x.principalDue + x.interestDue + x.feesDue);
  const payments = plan
    .payments(amounts)
    .filter((p) => p.amount > 0 && p.day <= asOfDay)
    .sort((a, b) => a.day - b.day)
    .map((p) => ({
      paidOn: cal.date(p.day),
      timestamp: rng.chance(TIMESTAMP_PAYMENT_SHARE)
        ? timestampOn(ctx, rng, customer.timezone, p.day)
        : null,
      amount: p.amount,
    }));

  const firstLate = late.indexOf(true);
  const holdFrom = firstLate < 0 ? openedDay : (dueDays[firstLate] as number) + grace + 1;
  const hold = rng.chance(HOLD_PROBABILITY[payer]) ? makeHold(ctx, rng, holdFrom) : null;

  return {
    account: {
      id,
      customerId: customer.id,
      product,
      currency,
      principal: schedule.principal,
      openedOn: cal.date(openedDay),
      graceDays,
    },
    payer,
    instalments,
    payments,
    hold,
  };
}

// ---------------------------------------------------------------------------------------------
// The portfolio

function customerId(n: number): string {
  return `C${pad(n, 7)}`;
}

function accountId(n: number): string {
  return `A${pad(n, 8)}`;
}

function paymentId(n: number): string {
  return `P${pad(n, 9)}`;
}

function validate(opts: GenerateOptions): void {
  if (!Number.isSafeInteger(opts.accounts) || opts.accounts < 0) {
    throw new RangeError(`accounts must be a whole number >= 0, got ${opts.accounts}`);
  }
  if (!isLocalDate(opts.asOf)) throw new RangeError(`asOf must be YYYY-MM-DD, got ${opts.asOf}`);
  if (typeof opts.seed === 'number' ? !Number.isFinite(opts.seed) : opts.seed === '') {
    throw new RangeError('seed must be a finite number or a non-empty string');
  }
}

/** The portfolio as structured records, one customer (with all its accounts) at a time. */
export function* generateCustomers(opts: GenerateOptions): Generator<CustomerRecord> {
  validate(opts);
  const root = new Random(opts.seed);
  const ctx: Context = { asOfDay: toEpochDay(opts.asOf), cal: new Calendar(), offsets: new Map() };
  let made = 0;
  for (let n = 1; made < opts.accounts; n++) {
    const rng = root.derive(n);
    const customer = makeCustomer(rng, customerId(n));
    const count = Math.min(opts.accounts - made, rng.weighted(ACCOUNTS_PER_CUSTOMER));
    const firstPayer = rng.weighted(BEHAVIOUR_ENTRIES);
    const accounts: AccountRecord[] = [];
    for (let k = 0; k < count; k++) {
      // Each account still follows BEHAVIOUR_MIX: it copies a draw from it, or draws afresh.
      const payer =
        k === 0 || rng.chance(SAME_PAYER_SHARE) ? firstPayer : rng.weighted(BEHAVIOUR_ENTRIES);
      made++;
      accounts.push(makeAccount(ctx, rng, customer, accountId(made), payer));
    }
    yield { customer, accounts };
  }
}

function customerValues(c: Customer): string[] {
  return [
    c.id,
    c.name,
    c.phone,
    c.email,
    c.address,
    c.latitude.toFixed(5),
    c.longitude.toFixed(5),
    c.timezone,
    c.language,
    c.jurisdiction,
  ];
}

/**
 * The portfolio as file rows, lazily: each customer's row, then each of its accounts with its
 * instalments, payments and hold. Payment ids are numbered in that order.
 */
export function* generatePortfolio(opts: GenerateOptions): Generator<PortfolioRow> {
  let payments = 0;
  for (const { customer, accounts } of generateCustomers(opts)) {
    yield { file: 'customers', values: customerValues(customer) };
    for (const { account: a, instalments, payments: paid, hold } of accounts) {
      const zero = formatMinor(0, a.currency);
      const money = (minor: number) => (minor === 0 ? zero : formatMinor(minor, a.currency));
      const grace = a.graceDays === null ? '' : String(a.graceDays);
      yield {
        file: 'accounts',
        values: [a.id, a.customerId, a.product, a.currency, money(a.principal), a.openedOn, grace],
      };
      for (const x of instalments) {
        const { seq, dueDate, principalDue, interestDue, feesDue } = x;
        yield {
          file: 'instalments',
          values: [
            a.id,
            String(seq),
            dueDate,
            money(principalDue),
            money(interestDue),
            money(feesDue),
          ],
        };
      }
      for (const p of paid) {
        payments++;
        yield {
          file: 'payments',
          values: [paymentId(payments), a.id, p.timestamp ?? p.paidOn, money(p.amount)],
        };
      }
      if (hold) yield { file: 'holds', values: [a.id, hold.kind, hold.from, hold.to ?? ''] };
    }
  }
}
