/**
 * Configuration from the environment and, optionally, a file (RECOUP_CONFIG=path/to/recoup.yaml,
 * YAML or JSON), validated at start with errors that name the variable, or the file's key, the
 * file and the line. The file's keys stand for the environment variables (FILE_KEYS: `port` is
 * PORT, `channels.smtpUrl` is RECOUP_SMTP_URL); a variable set in the environment wins over the
 * file, and a key the file does not know is an error.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { isTimeZone } from '../domain/time/zone.ts';
import { parseTimeOfDay, type TimeOfDay } from '../domain/cycle/schedule.ts';
import { isLogLevel, LOG_LEVELS, type LogLevel } from './log.ts';

export interface Config {
  /** A PostgreSQL server; when unset the embedded engine is used. */
  databaseUrl: string | undefined;
  /** Schema on the server (default: the server's search path). */
  schema: string | undefined;
  /** Folder of the embedded engine's data. */
  dataDir: string;
  port: number;
  host: string;
  /** The portfolio's business time zone: it decides "today" for the daily cycle. */
  timezone: string;
  channels: ChannelConfig;
  selfService: SelfServiceConfig;
  /** How many accounts `recoup start` generates for its demo portfolio (default 10,000). */
  demoAccounts: number;
  /** The least severe level written to the log (LOG_LEVEL, default info). */
  logLevel: LogLevel;
  /** The first administrator's password on the first start (unset: one is made and shown). */
  adminPassword: string | undefined;
  /**
   * Partitions each day of the cycle is split into (RECOUP_CYCLE_PARTITIONS); unset: 1 on the
   * embedded engine, 8 on a PostgreSQL server (see cyclePartitions).
   */
  cyclePartitions: number | undefined;
  /** The local time of day the scheduler starts each day's cycle (RECOUP_CYCLE_AT, 00:00). */
  cycleAt: TimeOfDay;
  /** Whether the scheduled days' actions are prepared for dispatch (RECOUP_CYCLE_DISPATCH). */
  cycleDispatch: 'live' | 'none';
  /**
   * The portfolios one `recoup scheduler` serves (the file's `portfolios` list), each a schema
   * of the server with its time zone and time; empty: the one of `schema` and `timezone`.
   */
  portfolios: PortfolioConfig[];
}

/** A portfolio of the file's `portfolios` list; unset keys are the top-level ones. */
export interface PortfolioConfig {
  schema: string;
  timezone: string;
  cycleAt: TimeOfDay;
  cyclePartitions: number | undefined;
}

/** The keys of an entry of the file's `portfolios` list. */
const PORTFOLIO_KEYS = ['schema', 'timezone', 'cycleAt', 'cyclePartitions'] as const;
type PortfolioKey = (typeof PORTFOLIO_KEYS)[number];

/** Partitions of a cycle day by default: one on the embedded engine, eight on a server. */
export const cyclePartitions = (c: Pick<Config, 'cyclePartitions' | 'databaseUrl'>): number =>
  c.cyclePartitions ?? (c.databaseUrl ? 8 : 1);

/** The customer's self-service links (docs/self-service.md). */
export interface SelfServiceConfig {
  /** The secret links are signed with; unset: one made on first start, kept in the settings. */
  linkSecret: string | undefined;
  /** How long a link sent in a message stays valid, in days. */
  linkDays: number;
}

/** Where messages go. A channel with no gateway set uses the sandbox (recorded, not delivered). */
export interface ChannelConfig {
  /** smtp://[user:pass@]host:port (smtps:// for TLS). */
  smtpUrl: URL | undefined;
  mailFrom: string;
  /** Kannel's sendsms interface: http://user:pass@host:13013/cgi-bin/sendsms */
  kannelUrl: URL | undefined;
  /** A generic HTTPS JSON SMS provider (see adapters/channels/http-json-sms.ts). */
  smsApiUrl: URL | undefined;
  smsApiToken: string | undefined;
  smsFrom: string;
  /** The relay's message lookup (see adapters/channels/smtp.ts). */
  smtpLookupUrl: URL | undefined;
  /** How long Kannel's SMSC-accepted report may take (ms). */
  smsReportWithinMs: number;
  /** Base of customer-facing links and of delivery-report callbacks. */
  publicUrl: string;
  companyName: string;
}

export class ConfigError extends Error {}

/** Each key of the configuration file and the environment variable it stands for. */
export const FILE_KEYS = {
  databaseUrl: 'DATABASE_URL',
  schema: 'RECOUP_SCHEMA',
  dataDir: 'RECOUP_DATA_DIR',
  port: 'PORT',
  host: 'HOST',
  timezone: 'RECOUP_TIMEZONE',
  logLevel: 'LOG_LEVEL',
  demoAccounts: 'RECOUP_DEMO_ACCOUNTS',
  adminPassword: 'RECOUP_ADMIN_PASSWORD',
  cyclePartitions: 'RECOUP_CYCLE_PARTITIONS',
  cycleAt: 'RECOUP_CYCLE_AT',
  cycleDispatch: 'RECOUP_CYCLE_DISPATCH',
  'channels.smtpUrl': 'RECOUP_SMTP_URL',
  'channels.mailFrom': 'RECOUP_MAIL_FROM',
  'channels.smtpLookupUrl': 'RECOUP_SMTP_LOOKUP_URL',
  'channels.kannelUrl': 'RECOUP_KANNEL_URL',
  'channels.smsReportWithinMs': 'RECOUP_SMS_REPORT_WITHIN_MS',
  'channels.smsApiUrl': 'RECOUP_SMS_API_URL',
  'channels.smsApiToken': 'RECOUP_SMS_API_TOKEN',
  'channels.smsFrom': 'RECOUP_SMS_FROM',
  'channels.publicUrl': 'RECOUP_PUBLIC_URL',
  'channels.companyName': 'RECOUP_COMPANY_NAME',
  'selfService.linkSecret': 'RECOUP_LINK_SECRET',
  'selfService.linkDays': 'RECOUP_LINK_DAYS',
} as const;

export type FileKey = keyof typeof FILE_KEYS;
type Variable = (typeof FILE_KEYS)[FileKey];

/** A configuration file read: each variable's value and where in the file it was given. */
export interface ConfigFile {
  file: string;
  values: Partial<Record<Variable, string>>;
  /** `channels.smtpUrl (recoup.yaml line 12)`: how an error names a value from the file. */
  where: Partial<Record<Variable, string>>;
  /** The `portfolios` list: each entry's values and where each was given. */
  portfolios?: { values: Partial<Record<PortfolioKey, string>>; where: Record<string, string> }[];
}

const SECTIONS = new Set(
  Object.keys(FILE_KEYS)
    .filter((k) => k.includes('.'))
    .map((k) => k.split('.')[0]!),
);

/**
 * Reads a configuration file's text (YAML, or JSON, which YAML reads too): a mapping of the
 * keys of FILE_KEYS, `channels` and `selfService` as nested mappings; each value a text or a
 * number (null or empty: unset). Throws ConfigError listing every problem by file and line.
 */
export function parseConfigFile(text: string, file: string): ConfigFile {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (node: Node | null | undefined) =>
    node?.range ? ` line ${lines.linePos(node.range[0]).line}` : '';
  const errors: string[] = doc.errors.map((e) => {
    const pos = lines.linePos(e.pos[0]);
    return `${file} line ${pos.line}, column ${pos.col}: ${e.message.split('\n')[0]}`;
  });
  const out: ConfigFile = { file, values: {}, where: {} };
  const known = Object.keys(FILE_KEYS).join(', ');
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) {
      errors.push(
        `${prefix ? `${prefix} (${file}${at(node as Node)})` : file}: must be a mapping of keys to values`,
      );
      return;
    }
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      const name = isScalar(keyNode) ? String(keyNode.value) : String(keyNode);
      const key = prefix ? `${prefix}.${name}` : name;
      const where = `${key} (${file}${at(keyNode)})`;
      const value = pair.value as Node | null;
      if (!prefix && name === 'portfolios') {
        out.portfolios = portfoliosOf(value, where, (n) => `${file}${at(n)}`, errors);
        continue;
      }
      if (!prefix && SECTIONS.has(name)) {
        if (value === null || (isScalar(value) && value.value === null)) continue;
        walk(value, key);
        continue;
      }
      if (!(key in FILE_KEYS)) {
        errors.push(`${where}: unknown key (the keys are: ${known})`);
        continue;
      }
      const variable = FILE_KEYS[key as FileKey];
      if (isMap(value) || isSeq(value) || !isScalar(value)) {
        errors.push(`${where}: must be a text or a number`);
        continue;
      }
      const v = value.value;
      if (v === null || v === '') continue;
      if (typeof v !== 'string' && typeof v !== 'number') {
        errors.push(`${where}: must be a text or a number, not ${typeof v} ${String(v)}`);
        continue;
      }
      out.values[variable] = String(v);
      out.where[variable] = `${key} (${file}${at(value)})`;
    }
  };
  if (errors.length === 0 && doc.contents !== null) walk(doc.contents, '');
  if (errors.length > 0) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  return out;
}

/** The file's `portfolios`: a list of mappings of PORTFOLIO_KEYS to texts or numbers. */
function portfoliosOf(
  node: Node | null,
  where: string,
  at: (n: Node | null | undefined) => string,
  errors: string[],
): NonNullable<ConfigFile['portfolios']> {
  if (!isSeq(node)) {
    errors.push(`${where}: must be a list of portfolios (schema, timezone, cycleAt)`);
    return [];
  }
  return node.items.map((item, i) => {
    const entry = { values: {} as Partial<Record<PortfolioKey, string>>, where: {} };
    const name = `portfolios[${i + 1}]`;
    if (!isMap(item)) {
      errors.push(`${name} (${at(item as Node)}): must be a mapping of keys to values`);
      return entry;
    }
    for (const pair of item.items) {
      const k = String(isScalar(pair.key) ? pair.key.value : pair.key);
      const v = pair.value as Node | null;
      const here = `${name}.${k} (${at(v ?? (pair.key as Node))})`;
      if (!(PORTFOLIO_KEYS as readonly string[]).includes(k))
        errors.push(`${here}: unknown key (the keys are: ${PORTFOLIO_KEYS.join(', ')})`);
      else if (!isScalar(v) || (typeof v.value !== 'string' && typeof v.value !== 'number'))
        errors.push(`${here}: must be a text or a number`);
      else {
        entry.values[k as PortfolioKey] = String(v.value);
        (entry.where as Record<string, string>)[k] = here;
      }
    }
    return entry;
  });
}

/**
 * The configuration: the environment, with RECOUP_CONFIG's file beneath it (a variable set and
 * not empty in the environment wins over the file's key).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): Config {
  const path = env.RECOUP_CONFIG?.trim();
  if (!path) return configFrom(env);
  let text: string;
  try {
    text = readFile(path);
  } catch (e) {
    throw new ConfigError(
      `invalid configuration:\n  RECOUP_CONFIG: cannot read "${path}" (${(e as Error).message})`,
    );
  }
  return configFrom(env, parseConfigFile(text, path));
}

/** The environment over the file's values, checked; errors name where each value came from. */
export function configFrom(env: NodeJS.ProcessEnv, file?: ConfigFile): Config {
  const errors: string[] = [];
  const get = (name: Variable): string | undefined =>
    env[name]?.trim() || file?.values[name]?.trim() || undefined;
  const from = (name: Variable): string => (env[name]?.trim() ? name : (file?.where[name] ?? name));
  const databaseUrl = get('DATABASE_URL');
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    errors.push(`${from('DATABASE_URL')}: must be a postgres:// or postgresql:// URL`);
  }
  const schema = get('RECOUP_SCHEMA');
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    errors.push(`${from('RECOUP_SCHEMA')}: "${schema}" is not a lower-case SQL identifier`);
  }
  const portText = get('PORT') ?? '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    errors.push(`${from('PORT')}: "${portText}" is not a port number`);
  }
  const timezone = get('RECOUP_TIMEZONE') ?? 'UTC';
  if (!isTimeZone(timezone))
    errors.push(`${from('RECOUP_TIMEZONE')}: unknown time zone "${timezone}"`);
  const url = (name: Variable, schemes: string[]): URL | undefined => {
    const v = get(name);
    if (!v) return undefined;
    try {
      const u = new URL(v);
      if (!schemes.includes(u.protocol.slice(0, -1))) {
        errors.push(`${from(name)}: must be a ${schemes.join(' or ')} URL`);
        return undefined;
      }
      return u;
    } catch {
      errors.push(`${from(name)}: "${v}" is not a URL`);
      return undefined;
    }
  };
  const positive = (name: Variable, fallback: number): number => {
    const v = get(name);
    if (!v) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      errors.push(`${from(name)}: "${v}" is not a positive whole number`);
      return fallback;
    }
    return n;
  };
  const channels: ChannelConfig = {
    smtpUrl: url('RECOUP_SMTP_URL', ['smtp', 'smtps']),
    mailFrom: get('RECOUP_MAIL_FROM') ?? 'Recoup Demo Lender <collections@recoup.example>',
    kannelUrl: url('RECOUP_KANNEL_URL', ['http', 'https']),
    smtpLookupUrl: url('RECOUP_SMTP_LOOKUP_URL', ['http', 'https']),
    smsReportWithinMs: positive('RECOUP_SMS_REPORT_WITHIN_MS', 120_000),
    smsApiUrl: url('RECOUP_SMS_API_URL', ['http', 'https']),
    smsApiToken: get('RECOUP_SMS_API_TOKEN'),
    smsFrom: get('RECOUP_SMS_FROM') ?? 'RECOUP',
    publicUrl: (
      url('RECOUP_PUBLIC_URL', ['http', 'https'])?.toString() ?? `http://localhost:${portText}`
    ).replace(/\/$/, ''),
    companyName: get('RECOUP_COMPANY_NAME') ?? 'Recoup Demo Lender',
  };
  const linkSecret = get('RECOUP_LINK_SECRET');
  if (linkSecret !== undefined && linkSecret.length < 32)
    errors.push(
      `${from('RECOUP_LINK_SECRET')}: must be at least 32 characters (e.g. 32 random bytes, base64)`,
    );
  const linkDays = positive('RECOUP_LINK_DAYS', 14);
  if (linkDays > 366)
    errors.push(`${from('RECOUP_LINK_DAYS')}: "${linkDays}" is more than 366 days`);
  const demoAccounts = positive('RECOUP_DEMO_ACCOUNTS', 10_000);
  const partitions = get('RECOUP_CYCLE_PARTITIONS')
    ? positive('RECOUP_CYCLE_PARTITIONS', 1)
    : undefined;
  if (partitions !== undefined && partitions > 1024)
    errors.push(`${from('RECOUP_CYCLE_PARTITIONS')}: "${partitions}" is more than 1024 partitions`);
  const timeOfDay = (text: string | undefined, name: string): TimeOfDay => {
    const t = parseTimeOfDay(text ?? '00:00');
    if (!t) errors.push(`${name}: "${text}" is not a time of day (HH:MM, 00:00 to 23:59)`);
    return t ?? { hour: 0, minute: 0 };
  };
  const cycleAt = timeOfDay(get('RECOUP_CYCLE_AT'), from('RECOUP_CYCLE_AT'));
  const cycleDispatch = get('RECOUP_CYCLE_DISPATCH') ?? 'live';
  if (cycleDispatch !== 'live' && cycleDispatch !== 'none')
    errors.push(`${from('RECOUP_CYCLE_DISPATCH')}: "${cycleDispatch}" is not live or none`);
  const portfolios = (file?.portfolios ?? []).map((e, i): PortfolioConfig => {
    const w = (k: PortfolioKey) => e.where[k] ?? `portfolios[${i + 1}].${k} (${file!.file})`;
    const s = e.values.schema?.trim() ?? '';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(s))
      errors.push(`${w('schema')}: ${s ? `"${s}" is not` : 'must be'} a lower-case SQL identifier`);
    const zone = e.values.timezone?.trim() ?? timezone;
    if (!isTimeZone(zone)) errors.push(`${w('timezone')}: unknown time zone "${zone}"`);
    const n = e.values.cyclePartitions === undefined ? undefined : Number(e.values.cyclePartitions);
    if (n !== undefined && !(Number.isInteger(n) && n >= 1 && n <= 1024))
      errors.push(`${w('cyclePartitions')}: "${e.values.cyclePartitions}" is not 1 to 1024`);
    return {
      schema: s,
      timezone: zone,
      cycleAt: e.values.cycleAt === undefined ? cycleAt : timeOfDay(e.values.cycleAt, w('cycleAt')),
      cyclePartitions: n ?? partitions,
    };
  });
  const schemas = portfolios.map((x) => x.schema);
  for (const [i, x] of schemas.entries())
    if (schemas.indexOf(x) !== i)
      errors.push(`portfolios[${i + 1}].schema: "${x}" is listed twice`);
  const logLevel = get('LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!isLogLevel(logLevel))
    errors.push(`${from('LOG_LEVEL')}: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  if (errors.length > 0) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  return {
    databaseUrl,
    schema,
    dataDir: resolve(get('RECOUP_DATA_DIR') ?? '.recoup'),
    port,
    host: get('HOST') ?? '0.0.0.0',
    timezone,
    channels,
    selfService: { linkSecret, linkDays },
    demoAccounts,
    logLevel: isLogLevel(logLevel) ? logLevel : 'info',
    adminPassword: get('RECOUP_ADMIN_PASSWORD'),
    cyclePartitions: partitions,
    cycleAt,
    cycleDispatch: cycleDispatch === 'none' ? 'none' : 'live',
    portfolios,
  };
}
