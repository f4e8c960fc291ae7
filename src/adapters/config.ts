/** Configuration from the environment, validated at start with errors that name the variable. */
import { resolve } from 'node:path';
import { isTimeZone } from '../domain/time/zone.ts';
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
}

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const errors: string[] = [];
  const databaseUrl = env.DATABASE_URL?.trim() || undefined;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    errors.push('DATABASE_URL: must be a postgres:// or postgresql:// URL');
  }
  const schema = env.RECOUP_SCHEMA?.trim() || undefined;
  if (schema && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    errors.push(`RECOUP_SCHEMA: "${schema}" is not a lower-case SQL identifier`);
  }
  const portText = env.PORT?.trim() || '3000';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    errors.push(`PORT: "${portText}" is not a port number`);
  }
  const timezone = env.RECOUP_TIMEZONE?.trim() || 'UTC';
  if (!isTimeZone(timezone)) errors.push(`RECOUP_TIMEZONE: unknown time zone "${timezone}"`);
  const url = (name: string, schemes: string[]): URL | undefined => {
    const v = env[name]?.trim();
    if (!v) return undefined;
    try {
      const u = new URL(v);
      if (!schemes.includes(u.protocol.slice(0, -1))) {
        errors.push(`${name}: must be a ${schemes.join(' or ')} URL`);
        return undefined;
      }
      return u;
    } catch {
      errors.push(`${name}: "${v}" is not a URL`);
      return undefined;
    }
  };
  const positive = (name: string, fallback: number): number => {
    const v = env[name]?.trim();
    if (!v) return fallback;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) {
      errors.push(`${name}: "${v}" is not a positive whole number`);
      return fallback;
    }
    return n;
  };
  const channels: ChannelConfig = {
    smtpUrl: url('RECOUP_SMTP_URL', ['smtp', 'smtps']),
    mailFrom: env.RECOUP_MAIL_FROM?.trim() || 'Recoup Demo Lender <collections@recoup.example>',
    kannelUrl: url('RECOUP_KANNEL_URL', ['http', 'https']),
    smtpLookupUrl: url('RECOUP_SMTP_LOOKUP_URL', ['http', 'https']),
    smsReportWithinMs: positive('RECOUP_SMS_REPORT_WITHIN_MS', 120_000),
    smsApiUrl: url('RECOUP_SMS_API_URL', ['http', 'https']),
    smsApiToken: env.RECOUP_SMS_API_TOKEN?.trim() || undefined,
    smsFrom: env.RECOUP_SMS_FROM?.trim() || 'RECOUP',
    publicUrl: (
      url('RECOUP_PUBLIC_URL', ['http', 'https'])?.toString() ?? `http://localhost:${portText}`
    ).replace(/\/$/, ''),
    companyName: env.RECOUP_COMPANY_NAME?.trim() || 'Recoup Demo Lender',
  };
  const linkSecret = env.RECOUP_LINK_SECRET?.trim() || undefined;
  if (linkSecret !== undefined && linkSecret.length < 32)
    errors.push(
      'RECOUP_LINK_SECRET: must be at least 32 characters (e.g. 32 random bytes, base64)',
    );
  const linkDays = positive('RECOUP_LINK_DAYS', 14);
  if (linkDays > 366) errors.push(`RECOUP_LINK_DAYS: "${linkDays}" is more than 366 days`);
  const demoAccounts = positive('RECOUP_DEMO_ACCOUNTS', 10_000);
  const logLevel = env.LOG_LEVEL?.trim().toLowerCase() || 'info';
  if (!isLogLevel(logLevel))
    errors.push(`LOG_LEVEL: "${logLevel}" is not one of ${LOG_LEVELS.join(', ')}`);
  if (errors.length > 0) throw new ConfigError(`invalid configuration:\n  ${errors.join('\n  ')}`);
  return {
    databaseUrl,
    schema,
    dataDir: resolve(env.RECOUP_DATA_DIR?.trim() || '.recoup'),
    port,
    host: env.HOST?.trim() || '0.0.0.0',
    timezone,
    channels,
    selfService: { linkSecret, linkDays },
    demoAccounts,
    logLevel: isLogLevel(logLevel) ? logLevel : 'info',
  };
}
