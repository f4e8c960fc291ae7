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

export type Region = 'CN' | 'US' | 'UK';
export type Language = 'en' | 'zh-CN';
export type Product = 'loan' | 'card' | 'bnpl' | 'invoice';
export type PayerType = 'onTime' | 'late' | 'partial' | 'cured' | 'defaulted' | 'overpayer';
export type HoldKind = 'hardship' | 'dispute' | 'bankruptcy' | 'deceased' | 'other';

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

// Loans: level monthly payments, interest on the declining balance.
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

// Cards: one statement a month, the minimum due 21 days later.
const CARD_APRS: readonly number[] = [0.1825, 0.2199, 0.2499, 0.2799, 0.2999];
const CARD_DAYS_TO_PAY = 21;
const CARD_MAX_STATEMENTS = 12;
/** Minimum due: interest plus 1 % of the balance, at least 25 USD (or the whole balance). */
const CARD_MIN_PRINCIPAL_SHARE = 0.01;
const CARD_MIN_PAYMENT_USD = 25;
const CARD_LATE_FEE_USD = 30;

// Buy now, pay later: four interest-free instalments a fortnight apart.
const BNPL_INSTALMENTS = 4;
const BNPL_DAYS_BETWEEN = 14;
const BNPL_LATE_FEE_USD = 8;
/** The late fee is capped at this share of the instalment (as pay-in-4 providers do). */
const BNPL_LATE_FEE_CAP_SHARE = 0.25;

// Invoices: one to three utility-style monthly bills of similar size.
const INVOICE_MAX_BILLS = 3;

// ---------------------------------------------------------------------------------------------
// Reference data: cities (with time zone and coordinates), names, streets

interface CnCity {
  /** Province prefix of the address ('' for the municipalities). */
  province: string;
  city: string;
  zone: string;
  lat: number;
  lon: number;
  weight: number;
  districts: readonly string[];
}

const CN_CITIES: readonly CnCity[] = [
  {
    province: '',
    city: '上海市',
    zone: 'Asia/Shanghai',
    lat: 31.2304,
    lon: 121.4737,
    weight: 14,
    districts: ['浦东新区', '徐汇区', '静安区', '黄浦区', '闵行区'],
  },
  {
    province: '',
    city: '北京市',
    zone: 'Asia/Shanghai',
    lat: 39.9042,
    lon: 116.4074,
    weight: 13,
    districts: ['朝阳区', '海淀区', '东城区', '西城区', '丰台区'],
  },
  {
    province: '广东省',
    city: '广州市',
    zone: 'Asia/Shanghai',
    lat: 23.1291,
    lon: 113.2644,
    weight: 10,
    districts: ['天河区', '越秀区', '海珠区', '白云区'],
  },
  {
    province: '广东省',
    city: '深圳市',
    zone: 'Asia/Shanghai',
    lat: 22.5431,
    lon: 114.0579,
    weight: 10,
    districts: ['南山区', '福田区', '罗湖区', '宝安区'],
  },
  {
    province: '四川省',
    city: '成都市',
    zone: 'Asia/Shanghai',
    lat: 30.5728,
    lon: 104.0668,
    weight: 8,
    districts: ['武侯区', '锦江区', '青羊区', '成华区'],
  },
  {
    province: '浙江省',
    city: '杭州市',
    zone: 'Asia/Shanghai',
    lat: 30.2741,
    lon: 120.1551,
    weight: 7,
    districts: ['西湖区', '上城区', '拱墅区', '滨江区'],
  },
  {
    province: '湖北省',
    city: '武汉市',
    zone: 'Asia/Shanghai',
    lat: 30.5928,
    lon: 114.3055,
    weight: 6,
    districts: ['武昌区', '江汉区', '洪山区'],
  },
  {
    province: '陕西省',
    city: '西安市',
    zone: 'Asia/Shanghai',
    lat: 34.3416,
    lon: 108.9398,
    weight: 5,
    districts: ['雁塔区', '碑林区', '未央区'],
  },
  {
    province: '江苏省',
    city: '南京市',
    zone: 'Asia/Shanghai',
    lat: 32.0603,
    lon: 118.7969,
    weight: 5,
    districts: ['鼓楼区', '玄武区', '建邺区'],
  },
  {
    province: '',
    city: '重庆市',
    zone: 'Asia/Shanghai',
    lat: 29.4316,
    lon: 106.9123,
    weight: 6,
    districts: ['渝中区', '江北区', '南岸区'],
  },
  {
    province: '',
    city: '天津市',
    zone: 'Asia/Shanghai',
    lat: 39.3434,
    lon: 117.3616,
    weight: 5,
    districts: ['和平区', '河西区', '南开区'],
  },
  {
    province: '江苏省',
    city: '苏州市',
    zone: 'Asia/Shanghai',
    lat: 31.2989,
    lon: 120.5853,
    weight: 5,
    districts: ['姑苏区', '吴中区', '虎丘区'],
  },
  // Xinjiang keeps its own clock (UTC+6) in everyday life: some customers live by it.
  {
    province: '新疆维吾尔自治区',
    city: '乌鲁木齐市',
    zone: 'Asia/Urumqi',
    lat: 43.8256,
    lon: 87.6168,
    weight: 4,
    districts: ['天山区', '沙依巴克区', '水磨沟区'],
  },
];

interface UsCity {
  name: string;
  state: string;
  zone: string;
  lat: number;
  lon: number;
  weight: number;
  areaCode: string;
  zipPrefix: string;
}

// Weights follow the rough population split across the time zones (East > Central > Pacific >
// Mountain > Hawaii).
const US_CITIES: readonly UsCity[] = [
  {
    name: 'New York',
    state: 'NY',
    zone: 'America/New_York',
    lat: 40.7128,
    lon: -74.006,
    weight: 16,
    areaCode: '212',
    zipPrefix: '100',
  },
  {
    name: 'Boston',
    state: 'MA',
    zone: 'America/New_York',
    lat: 42.3601,
    lon: -71.0589,
    weight: 6,
    areaCode: '617',
    zipPrefix: '021',
  },
  {
    name: 'Philadelphia',
    state: 'PA',
    zone: 'America/New_York',
    lat: 39.9526,
    lon: -75.1652,
    weight: 7,
    areaCode: '215',
    zipPrefix: '191',
  },
  {
    name: 'Atlanta',
    state: 'GA',
    zone: 'America/New_York',
    lat: 33.749,
    lon: -84.388,
    weight: 8,
    areaCode: '404',
    zipPrefix: '303',
  },
  {
    name: 'Miami',
    state: 'FL',
    zone: 'America/New_York',
    lat: 25.7617,
    lon: -80.1918,
    weight: 9,
    areaCode: '305',
    zipPrefix: '331',
  },
  {
    name: 'Chicago',
    state: 'IL',
    zone: 'America/Chicago',
    lat: 41.8781,
    lon: -87.6298,
    weight: 10,
    areaCode: '312',
    zipPrefix: '606',
  },
  {
    name: 'Houston',
    state: 'TX',
    zone: 'America/Chicago',
    lat: 29.7604,
    lon: -95.3698,
    weight: 9,
    areaCode: '713',
    zipPrefix: '770',
  },
  {
    name: 'Dallas',
    state: 'TX',
    zone: 'America/Chicago',
    lat: 32.7767,
    lon: -96.797,
    weight: 7,
    areaCode: '214',
    zipPrefix: '752',
  },
  {
    name: 'Minneapolis',
    state: 'MN',
    zone: 'America/Chicago',
    lat: 44.9778,
    lon: -93.265,
    weight: 3,
    areaCode: '612',
    zipPrefix: '554',
  },
  {
    name: 'Denver',
    state: 'CO',
    zone: 'America/Denver',
    lat: 39.7392,
    lon: -104.9903,
    weight: 4,
    areaCode: '303',
    zipPrefix: '802',
  },
  {
    name: 'Salt Lake City',
    state: 'UT',
    zone: 'America/Denver',
    lat: 40.7608,
    lon: -111.891,
    weight: 2,
    areaCode: '801',
    zipPrefix: '841',
  },
  {
    name: 'Albuquerque',
    state: 'NM',
    zone: 'America/Denver',
    lat: 35.0844,
    lon: -106.6504,
    weight: 1,
    areaCode: '505',
    zipPrefix: '871',
  },
  {
    name: 'Los Angeles',
    state: 'CA',
    zone: 'America/Los_Angeles',
    lat: 34.0522,
    lon: -118.2437,
    weight: 8,
    areaCode: '213',
    zipPrefix: '900',
  },
  {
    name: 'San Francisco',
    state: 'CA',
    zone: 'America/Los_Angeles',
    lat: 37.7749,
    lon: -122.4194,
    weight: 4,
    areaCode: '415',
    zipPrefix: '941',
  },
  {
    name: 'Seattle',
    state: 'WA',
    zone: 'America/Los_Angeles',
    lat: 47.6062,
    lon: -122.3321,
    weight: 3,
    areaCode: '206',
    zipPrefix: '981',
  },
  {
    name: 'San Diego',
    state: 'CA',
    zone: 'America/Los_Angeles',
    lat: 32.7157,
    lon: -117.1611,
    weight: 2,
    areaCode: '619',
    zipPrefix: '921',
  },
  {
    name: 'Honolulu',
    state: 'HI',
    zone: 'Pacific/Honolulu',
    lat: 21.3069,
    lon: -157.8583,
    weight: 1,
    areaCode: '808',
    zipPrefix: '968',
  },
];

interface UkCity {
  name: string;
  lat: number;
  lon: number;
  weight: number;
  postcodeAreas: readonly string[];
}

const UK_CITIES: readonly UkCity[] = [
  {
    name: 'London',
    lat: 51.5074,
    lon: -0.1278,
    weight: 30,
    postcodeAreas: ['E1', 'N1', 'SE1', 'SW11', 'NW3', 'W2'],
  },
  {
    name: 'Manchester',
    lat: 53.4808,
    lon: -2.2426,
    weight: 10,
    postcodeAreas: ['M1', 'M14', 'M20'],
  },
  {
    name: 'Birmingham',
    lat: 52.4862,
    lon: -1.8904,
    weight: 10,
    postcodeAreas: ['B1', 'B15', 'B29'],
  },
  { name: 'Leeds', lat: 53.8008, lon: -1.5491, weight: 7, postcodeAreas: ['LS1', 'LS6', 'LS17'] },
  { name: 'Glasgow', lat: 55.8642, lon: -4.2518, weight: 7, postcodeAreas: ['G1', 'G12', 'G41'] },
  {
    name: 'Edinburgh',
    lat: 55.9533,
    lon: -3.1883,
    weight: 5,
    postcodeAreas: ['EH1', 'EH3', 'EH10'],
  },
  { name: 'Bristol', lat: 51.4545, lon: -2.5879, weight: 5, postcodeAreas: ['BS1', 'BS6', 'BS8'] },
  {
    name: 'Cardiff',
    lat: 51.4816,
    lon: -3.1791,
    weight: 4,
    postcodeAreas: ['CF10', 'CF11', 'CF24'],
  },
];

/** Common Chinese surnames with their pinyin, weighted roughly by frequency. */
const CN_SURNAMES: readonly (readonly [readonly [string, string], number])[] = [
  [['王', 'wang'], 7.1],
  [['李', 'li'], 7.0],
  [['张', 'zhang'], 6.7],
  [['刘', 'liu'], 5.4],
  [['陈', 'chen'], 4.6],
  [['杨', 'yang'], 3.1],
  [['黄', 'huang'], 2.4],
  [['赵', 'zhao'], 2.2],
  [['吴', 'wu'], 2.0],
  [['周', 'zhou'], 1.9],
  [['徐', 'xu'], 1.3],
  [['孙', 'sun'], 1.3],
  [['马', 'ma'], 1.2],
  [['朱', 'zhu'], 1.2],
  [['胡', 'hu'], 1.1],
  [['郭', 'guo'], 1.1],
  [['何', 'he'], 0.9],
  [['林', 'lin'], 0.9],
  [['高', 'gao'], 0.9],
  [['罗', 'luo'], 0.8],
  [['郑', 'zheng'], 0.8],
  [['梁', 'liang'], 0.7],
  [['谢', 'xie'], 0.6],
  [['宋', 'song'], 0.5],
  [['唐', 'tang'], 0.5],
  [['韩', 'han'], 0.5],
  [['冯', 'feng'], 0.5],
  [['邓', 'deng'], 0.5],
  [['曹', 'cao'], 0.4],
];

const CN_GIVEN_NAMES: readonly (readonly [string, string])[] = [
  ['伟', 'wei'],
  ['芳', 'fang'],
  ['娜', 'na'],
  ['敏', 'min'],
  ['静', 'jing'],
  ['丽', 'li'],
  ['强', 'qiang'],
  ['磊', 'lei'],
  ['军', 'jun'],
  ['洋', 'yang'],
  ['勇', 'yong'],
  ['艳', 'yan'],
  ['杰', 'jie'],
  ['娟', 'juan'],
  ['涛', 'tao'],
  ['明', 'ming'],
  ['超', 'chao'],
  ['霞', 'xia'],
  ['平', 'ping'],
  ['刚', 'gang'],
  ['华', 'hua'],
  ['秀英', 'xiuying'],
  ['桂英', 'guiying'],
  ['建华', 'jianhua'],
  ['建国', 'jianguo'],
  ['志强', 'zhiqiang'],
  ['晓明', 'xiaoming'],
  ['海燕', 'haiyan'],
  ['欣怡', 'xinyi'],
  ['子涵', 'zihan'],
  ['浩然', 'haoran'],
  ['宇轩', 'yuxuan'],
  ['梓萱', 'zixuan'],
  ['思远', 'siyuan'],
  ['雨桐', 'yutong'],
  ['俊杰', 'junjie'],
];

const CN_ROADS: readonly string[] = [
  '人民路',
  '中山路',
  '解放路',
  '建设路',
  '和平路',
  '长江路',
  '黄河路',
  '新华路',
  '文化路',
  '胜利路',
  '青年路',
  '幸福路',
  '光明路',
];

const EN_FIRST_NAMES: readonly string[] = [
  'James',
  'Mary',
  'John',
  'Patricia',
  'Robert',
  'Jennifer',
  'Michael',
  'Linda',
  'William',
  'Elizabeth',
  'David',
  'Barbara',
  'Richard',
  'Susan',
  'Joseph',
  'Jessica',
  'Thomas',
  'Sarah',
  'Charles',
  'Karen',
  'Christopher',
  'Emily',
  'Daniel',
  'Olivia',
  'Matthew',
  'Sophie',
  'Anthony',
  'Emma',
  'George',
  'Amelia',
  'Harry',
  'Isla',
  'Oliver',
  'Grace',
  'Jack',
  'Chloé',
  'José',
  'María',
  'Priya',
  'Mohammed',
  'Aisha',
  'Kenji',
];

const EN_LAST_NAMES: readonly string[] = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Hernandez',
  'Lopez',
  'Wilson',
  'Anderson',
  'Taylor',
  'Thomas',
  'Moore',
  'Jackson',
  'Martin',
  'Lee',
  'Thompson',
  'White',
  'Harris',
  'Clark',
  'Lewis',
  'Walker',
  'Young',
  'Allen',
  'King',
  'Wright',
  'Evans',
  'Roberts',
  'Hughes',
  'Wood',
  'Edwards',
  'Patel',
  'Khan',
  'Murphy',
  "O'Brien",
  "O'Connor",
  'Nguyen',
  'Kim',
  'Singh',
];

const US_STREETS: readonly string[] = [
  'Main',
  'Oak',
  'Maple',
  'Cedar',
  'Elm',
  'Washington',
  'Lake',
  'Hill',
  'Park',
  'Pine',
  'Sunset',
  'Lincoln',
  'Jefferson',
  'Madison',
  'Franklin',
  'Highland',
  'Church',
  'Spring',
  'Ridge',
  'River',
];
const US_STREET_SUFFIXES: readonly string[] = ['St', 'Ave', 'Blvd', 'Rd', 'Dr', 'Ln', 'Way', 'Ct'];

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

/** China Mobile / Unicom / Telecom mobile prefixes. */
const CN_MOBILE_PREFIXES: readonly string[] = [
  '130',
  '131',
  '132',
  '133',
  '135',
  '136',
  '137',
  '138',
  '139',
  '150',
  '151',
  '152',
  '157',
  '158',
  '159',
  '177',
  '186',
  '187',
  '188',
  '189',
  '199',
];

/** Reserved example domains (RFC 2606): nobody receives these emails. */
const EMAIL_DOMAINS: readonly string[] = ['example.com', 'example.net', 'example.org'];

/** Coordinates are scattered around the city centre by this many degrees (standard deviation). */
const COORDINATE_SPREAD_DEG = 0.04;

// ---------------------------------------------------------------------------------------------
// Small helpers

const DAY_MS = 86_400_000;
const NEVER = Number.POSITIVE_INFINITY;

function monthsAfter(day: number, months: number): number {
  return toEpochDay(addMonths(fromEpochDay(day), months));
}

function digits(rng: Random, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += String(rng.int(0, 9));
  return s;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function weightedItem<T extends { weight: number }>(rng: Random, items: readonly T[]): T {
  return rng.weighted(items.map((item) => [item, item.weight] as const));
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
  region: Region;
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
  const city = weightedItem(rng, CN_CITIES);
  const address =
    `${city.province}${city.city}${rng.pick(city.districts)}${rng.pick(CN_ROADS)}` +
    `${rng.int(1, 999)}号${rng.int(1, 30)}栋${rng.int(1, 4)}单元${rng.int(1, 32)}0${rng.int(1, 8)}室`;
  return {
    region: 'CN',
    zone: city.zone,
    lat: city.lat,
    lon: city.lon,
    address,
    phone: `+86${rng.pick(CN_MOBILE_PREFIXES)}${digits(rng, 8)}`,
  };
}

function usPlace(rng: Random): Place {
  const city = weightedItem(rng, US_CITIES);
  const street = `${rng.int(1, 9999)} ${rng.pick(US_STREETS)} ${rng.pick(US_STREET_SUFFIXES)}`;
  const unit = rng.chance(0.3) ? `, Apt ${rng.int(1, 30)}${rng.pick(['A', 'B', 'C', 'D'])}` : '';
  return {
    region: 'US',
    zone: city.zone,
    lat: city.lat,
    lon: city.lon,
    address: `${street}${unit}, ${city.name}, ${city.state} ${city.zipPrefix}${digits(rng, 2)}`,
    // 555-0100 to 555-0199 is reserved for fiction in every US area code.
    phone: `+1${city.areaCode}55501${digits(rng, 2)}`,
  };
}

function ukPlace(rng: Random): Place {
  const city = weightedItem(rng, UK_CITIES);
  const postcode =
    `${rng.pick(city.postcodeAreas)} ${rng.int(1, 9)}` +
    `${rng.pick(UK_POSTCODE_LETTERS)}${rng.pick(UK_POSTCODE_LETTERS)}`;
  const street = rng.pick(UK_STREETS);
  // A few addresses carry a quoted house name, which exercises CSV quote doubling.
  const firstLine = rng.chance(0.02)
    ? `"${rng.pick(UK_HOUSE_NAMES)}", ${street}`
    : `${rng.chance(0.25) ? `Flat ${rng.int(1, 24)}, ` : ''}${rng.int(1, 200)} ${street}`;
  return {
    region: 'UK',
    zone: 'Europe/London',
    lat: city.lat,
    lon: city.lon,
    address: `${firstLine}, ${city.name} ${postcode}`,
    // 07700 900000 to 900999 is Ofcom's range for drama.
    phone: `+447700900${digits(rng, 3)}`,
  };
}

function makeCustomer(rng: Random, id: string): Customer {
  const region = rng.weightedKey(REGION_MIX);
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

/** Level monthly payments; each month's interest is on the balance still owed. */
function loanSchedule(rng: Random, currency: string, openedDay: number): Schedule {
  const term = rng.weighted(LOAN_TERMS);
  const step = (LOAN_ROUNDING[currency] ?? 100) * 10 ** currencyExponent(currency);
  const principal = roundToMultiple(
    usdToMinor(rng.lognormal(6000, 0.7, 1000, 40000), currency),
    step,
  );
  const rate = rng.pick(LOAN_APRS) / 12;
  const level = Math.round((principal * rate) / (1 - (1 + rate) ** -term));
  const lines: ScheduleLine[] = [];
  let balance = principal;
  for (let k = 1; k <= term; k++) {
    const interest = Math.round(balance * rate);
    const principalDue = k === term ? balance : Math.min(balance, level - interest);
    balance -= principalDue;
    lines.push({ dueDay: monthsAfter(openedDay, k), principal: principalDue, interest });
  }
  return { principal, lines };
}

/**
 * One statement a month from opening, each asking for the minimum (interest plus 1 % of the
 * balance, at least 25 USD), up to and including the first one due after as-of. The schedule
 * assumes the minimum is paid; arrears show as unpaid instalments rather than a bigger balance.
 */
function cardSchedule(rng: Random, currency: string, openedDay: number, asOfDay: number): Schedule {
  const principal = usdToMinor(Math.round(rng.lognormal(1800, 0.8, 300, 9000)), currency);
  const rate = rng.pick(CARD_APRS) / 12;
  const floor = usdToMinor(CARD_MIN_PAYMENT_USD, currency);
  const lines: ScheduleLine[] = [];
  let balance = principal;
  for (let k = 1; k <= CARD_MAX_STATEMENTS && balance > 0; k++) {
    const dueDay = monthsAfter(openedDay, k) + CARD_DAYS_TO_PAY;
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
function bnplSchedule(rng: Random, currency: string, openedDay: number): Schedule {
  const principal = Math.max(
    BNPL_INSTALMENTS,
    usdToMinor(rng.lognormal(180, 0.8, 30, 1500), currency),
  );
  const part = Math.floor(principal / BNPL_INSTALMENTS);
  const lines: ScheduleLine[] = [];
  for (let k = 1; k <= BNPL_INSTALMENTS; k++) {
    const extra = k === 1 ? principal - part * BNPL_INSTALMENTS : 0;
    lines.push({ dueDay: openedDay + k * BNPL_DAYS_BETWEEN, principal: part + extra, interest: 0 });
  }
  return { principal, lines };
}

/** Utility-style bills: one a month, each within ±20 % of the customer's usual bill. */
function invoiceSchedule(rng: Random, currency: string, openedDay: number): Schedule {
  const usual = rng.lognormal(90, 0.6, 20, 600);
  const bills = rng.int(1, INVOICE_MAX_BILLS);
  const lines: ScheduleLine[] = [];
  for (let k = 1; k <= bills; k++) {
    const amount = Math.max(1, usdToMinor(usual * rng.uniform(0.8, 1.2), currency));
    lines.push({ dueDay: monthsAfter(openedDay, k), principal: amount, interest: 0 });
  }
  return { principal: sum(lines.map((l) => l.principal)), lines };
}

function buildSchedule(
  rng: Random,
  product: Product,
  currency: string,
  openedDay: number,
  asOfDay: number,
): Schedule {
  switch (product) {
    case 'loan':
      return loanSchedule(rng, currency, openedDay);
    case 'card':
      return cardSchedule(rng, currency, openedDay, asOfDay);
    case 'bnpl':
      return bnplSchedule(rng, currency, openedDay);
    case 'invoice':
      return invoiceSchedule(rng, currency, openedDay);
  }
}

// ---------------------------------------------------------------------------------------------
// Behaviour: when each instalment is settled, then the payments that do it

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
  dueDays: readonly number[];
  openedDay: number;
  asOfDay: number;
}

/** Index of the first instalment due after as-of (= the number of instalments due by then). */
function dueCount(dueDays: readonly number[], asOfDay: number): number {
  let n = 0;
  while (n < dueDays.length && (dueDays[n] as number) <= asOfDay) n++;
  return n;
}

/** On time: some days early up to the due date, never before the account opened. */
function onTimeDay(rng: Random, dueDay: number, openedDay: number): number {
  return Math.max(openedDay, dueDay - rng.int(0, 5));
}

/** One payment per settlement day, for the instalments settled that day. */
function paymentsBySettlement(settledOn: readonly number[], amounts: readonly number[]) {
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

/** On time (now and then a little late) for the first instalments, then nothing ever again. */
function planDefaulted({ rng, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  const stopAt = rng.int(0, Math.max(0, dueCount(dueDays, asOfDay) - 1));
  return fullPaymentPlan(
    dueDays.map((due, i) => {
      if (i >= stopAt) return NEVER;
      return rng.chance(0.3)
        ? Math.min(asOfDay, due + rng.int(3, 20))
        : onTimeDay(rng, due, openedDay);
    }),
  );
}

/**
 * 30–90 % of each instalment around its due date; with probability 0.2 at an instalment, the
 * whole instalment plus every shortfall so far (a catch-up). Shortfalls are settled only then.
 */
function planPartial({ rng, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  const due = dueCount(dueDays, asOfDay);
  const steps = dueDays.slice(0, due).map((dueDay) => ({
    day: Math.max(openedDay, dueDay - rng.int(0, 3)),
    share: rng.uniform(0.3, 0.9),
    catchUp: rng.chance(0.2),
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
      const out: PlannedPayment[] = [];
      let shortfall = 0;
      steps.forEach((step, i) => {
        const amount = amounts[i] as number;
        if (step.catchUp) {
          out.push({ day: step.day, amount: amount + shortfall });
          shortfall = 0;
        } else {
          const part = Math.min(Math.max(1, Math.round(amount * step.share)), amount);
          out.push({ day: step.day, amount: part });
          shortfall += amount - part;
        }
      });
      return out;
    },
  };
}

/**
 * On time, then a gap of 1–4 months from a due date, then all arrears at once or in two
 * payments 5–20 days apart, then on time again. A gap still running at as-of is not cured yet.
 */
function planCured({ rng, dueDays, openedDay, asOfDay }: PlanInput): PaymentPlan {
  const due = dueCount(dueDays, asOfDay);
  const gapStart = rng.int(0, Math.max(0, due - 1));
  const cureDay = monthsAfter(dueDays[gapStart] as number, rng.int(1, 4)) + rng.int(0, 10);
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
      const others = settledOn.map((day, i) => (missed(i) ? NEVER : day));
      const out = paymentsBySettlement(others, amounts);
      if (first <= 0 || first >= arrears) out.push({ day: lastCureDay, amount: arrears });
      else out.push({ day: cureDay, amount: first }, { day: lastCureDay, amount: arrears - first });
      return out;
    },
  };
}

/**
 * On time, and once more than due: either the whole remaining schedule at an instalment (an
 * early settlement, future instalments included) or one payment 10–100 % over the instalment,
 * capped so the account's payments stay within MAX_OVERPAYMENT_SHARE of its schedule.
 */
function planOverpayer(input: PlanInput): PaymentPlan {
  const { rng, dueDays, openedDay, asOfDay } = input;
  const due = dueCount(dueDays, asOfDay);
  const at = rng.int(0, Math.max(0, due - 1));
  const settlesEarly = rng.chance(0.5) && at < dueDays.length - 1;
  const base = planOnTime(input);
  if (settlesEarly) {
    const day = onTimeDay(rng, dueDays[at] as number, openedDay);
    const settledOn = base.settledOn.map((d, i) => (i >= at ? day : d));
    return fullPaymentPlan(settledOn);
  }
  const extraShare = rng.uniform(0.1, 1);
  return {
    settledOn: base.settledOn,
    payments(amounts) {
      const out = base.payments(amounts);
      const cap = Math.floor(sum(amounts) * MAX_OVERPAYMENT_SHARE);
      const extra = Math.min(cap, Math.max(1, Math.round((amounts[at] as number) * extraShare)));
      const day = base.settledOn[at] as number;
      const target = out.find((p) => p.day === day);
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
  /** UTC offsets in minutes by `zone|day`, computed once each. */
  offsets: Map<string, number>;
}

function pickCurrency(rng: Random, region: Region): string {
  return rng.chance(OTHER_CURRENCY_SHARE) ? rng.pick(OTHER_CURRENCIES) : REGION_CURRENCY[region];
}

function openedDay(rng: Random, product: Product, payer: PayerType, asOfDay: number): number {
  const [min, max] = OPENED_DAYS_AGO[product];
  const floor = Math.min(max, Math.max(min, MIN_DAYS_AGO_BY_PAYER[payer] ?? 0));
  return asOfDay - rng.int(floor, max);
}

function graceDays(rng: Random, product: Product): number | null {
  return rng.chance(EMPTY_GRACE_SHARE) ? null : rng.pick(PRODUCT_GRACE_DAYS[product]);
}

/** The zone's UTC offset on `day`, in minutes (taken at 12:00 UTC, after any DST switch). */
function utcOffsetMinutes(ctx: Context, zone: string, day: number): number {
  const key = `${zone}|${day}`;
  let offset = ctx.offsets.get(key);
  if (offset === undefined) {
    const instant = day * DAY_MS + DAY_MS / 2;
    const local = toLocal(new Date(instant), zone);
    const localMs =
      toEpochDay(local.date) * DAY_MS +
      ((local.hour * 60 + local.minute) * 60 + local.second) * 1000;
    offset = Math.round((localMs - instant) / 60_000);
    ctx.offsets.set(key, offset);
  }
  return offset;
}

/**
 * A wall-clock time between 07:00 and 23:59 on `day` in `zone`, with the zone's offset. DST
 * switches happen before 07:00 local, so the offset taken at 12:00 UTC applies (all zones used
 * are between UTC-10 and UTC+8, so 12:00 UTC falls on the same local day).
 */
function timestampOn(ctx: Context, rng: Random, zone: string, day: number): string {
  const offset = utcOffsetMinutes(ctx, zone, day);
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  const time = `${pad(rng.int(7, 23), 2)}:${pad(rng.int(0, 59), 2)}:00`;
  return `${fromEpochDay(day)}T${time}${sign}${pad(Math.floor(abs / 60), 2)}:${pad(abs % 60, 2)}`;
}

/** Hold start: after the first late instalment's grace period if any, else after opening. */
function makeHold(
  rng: Random,
  openedDay: number,
  firstLateDay: number | null,
  asOfDay: number,
): Hold {
  const kind = rng.weightedKey(HOLD_KIND_MIX);
  const fromDay = rng.int(Math.min(asOfDay, firstLateDay ?? openedDay), asOfDay);
  // Bankruptcy and death do not end; other holds have a planned or past end half the time.
  const open = kind === 'bankruptcy' || kind === 'deceased' || rng.chance(OPEN_HOLD_SHARE);
  return {
    kind,
    from: fromEpochDay(fromDay),
    to: open ? null : fromEpochDay(fromDay + rng.int(14, 120)),
  };
}

function makeAccount(
  ctx: Context,
  rng: Random,
  customer: Customer,
  id: string,
  payer: PayerType,
): AccountRecord {
  const { asOfDay } = ctx;
  const product = rng.weightedKey(PRODUCT_MIX);
  const currency = pickCurrency(rng, customer.jurisdiction);
  const opened = openedDay(rng, product, payer, asOfDay);
  const grace = graceDays(rng, product);
  const effectiveGrace = grace ?? DEFAULT_GRACE_DAYS[product];
  const schedule = buildSchedule(rng, product, currency, opened, asOfDay);
  const dueDays = schedule.lines.map((l) => l.dueDay);

  const plan = PLANNERS[payer]({ rng, dueDays, openedDay: opened, asOfDay });
  const late = dueDays.map((due, i) =>
    isLate(plan.settledOn[i] as number, due, effectiveGrace, asOfDay),
  );
  const fees = lateFees(product, currency, schedule.lines, late);
  const instalments = schedule.lines.map((line, i) => ({
    seq: i + 1,
    dueDate: fromEpochDay(line.dueDay),
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
      paidOn: fromEpochDay(p.day),
      timestamp: rng.chance(TIMESTAMP_PAYMENT_SHARE)
        ? timestampOn(ctx, rng, customer.timezone, p.day)
        : null,
      amount: p.amount,
    }));

  const firstLate = late.indexOf(true);
  const hold = rng.chance(HOLD_PROBABILITY[payer])
    ? makeHold(
        rng,
        opened,
        firstLate < 0 ? null : (dueDays[firstLate] as number) + effectiveGrace + 1,
        asOfDay,
      )
    : null;

  return {
    account: {
      id,
      customerId: customer.id,
      product,
      currency,
      principal: schedule.principal,
      openedOn: fromEpochDay(opened),
      graceDays: grace,
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
  const ctx: Context = { asOfDay: toEpochDay(opts.asOf), offsets: new Map() };
  let accountsMade = 0;
  for (let n = 1; accountsMade < opts.accounts; n++) {
    const rng = root.derive(n);
    const customer = makeCustomer(rng, customerId(n));
    const count = Math.min(opts.accounts - accountsMade, rng.weighted(ACCOUNTS_PER_CUSTOMER));
    const firstPayer = rng.weightedKey(BEHAVIOUR_MIX);
    const accounts: AccountRecord[] = [];
    for (let k = 0; k < count; k++) {
      // Marginally every account still follows BEHAVIOUR_MIX: a copy of a draw from it, or a draw.
      const payer =
        k === 0 || rng.chance(SAME_PAYER_SHARE) ? firstPayer : rng.weightedKey(BEHAVIOUR_MIX);
      accountsMade++;
      accounts.push(makeAccount(ctx, rng, customer, accountId(accountsMade), payer));
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
      const money = (minor: number) => formatMinor(minor, a.currency);
      yield {
        file: 'accounts',
        values: [
          a.id,
          a.customerId,
          a.product,
          a.currency,
          money(a.principal),
          a.openedOn,
          a.graceDays === null ? '' : String(a.graceDays),
        ],
      };
      for (const x of instalments) {
        yield {
          file: 'instalments',
          values: [
            a.id,
            String(x.seq),
            x.dueDate,
            money(x.principalDue),
            money(x.interestDue),
            money(x.feesDue),
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
