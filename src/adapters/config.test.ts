import { describe, expect, it } from 'vitest';
import { ConfigError, FILE_KEYS, loadConfig, parseConfigFile } from './config.ts';

const YAML_FILE = `# recoup.yaml
port: 8080
timezone: Asia/Shanghai
logLevel: warn
channels:
  smtpUrl: smtp://mail.example:2525
  companyName: Example Lender
selfService:
  linkDays: 30
`;

/** loadConfig with RECOUP_CONFIG naming a file of the given text. */
const withFile = (text: string, env: Record<string, string> = {}, path = '/etc/recoup.yaml') =>
  loadConfig({ RECOUP_CONFIG: path, ...env }, (p) => {
    if (p !== path) throw new Error(`ENOENT: no such file, open '${p}'`);
    return text;
  });

const problems = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigError);
    return (e as Error).message;
  }
  throw new Error('no error');
};

describe('configuration from a file', () => {
  it('takes every value from the file when the environment sets none', () => {
    const c = withFile(YAML_FILE);
    expect(c.port).toBe(8080);
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.logLevel).toBe('warn');
    expect(c.channels.smtpUrl?.toString()).toBe('smtp://mail.example:2525');
    expect(c.channels.companyName).toBe('Example Lender');
    expect(c.selfService.linkDays).toBe(30);
    // what neither gives keeps its default
    expect(c.host).toBe('0.0.0.0');
    expect(c.channels.publicUrl).toBe('http://localhost:8080');
  });

  it('lets the environment win over the file; an empty variable does not count', () => {
    const c = withFile(YAML_FILE, { PORT: '9090', RECOUP_TIMEZONE: '', LOG_LEVEL: 'debug' });
    expect(c.port).toBe(9090);
    expect(c.timezone).toBe('Asia/Shanghai');
    expect(c.logLevel).toBe('debug');
  });

  it('reads JSON with the same keys', () => {
    const c = withFile(
      JSON.stringify({ port: 3100, channels: { smsFrom: 'LENDER' }, selfService: null }),
      {},
      'recoup.json',
    );
    expect(c.port).toBe(3100);
    expect(c.channels.smsFrom).toBe('LENDER');
  });

  it('refuses a key it does not know, naming the key, the file and the line', () => {
    const m = problems(() => withFile('port: 8080\nchannels:\n  smtpURL: smtp://x\nprot: 1\n'));
    expect(m).toContain('channels.smtpURL (/etc/recoup.yaml line 3): unknown key');
    expect(m).toContain('prot (/etc/recoup.yaml line 4): unknown key');
    expect(m).toContain('channels.smtpUrl');
  });

  it("names a bad value's key, file and line; a bad variable by its name", () => {
    const m = problems(() =>
      withFile('timezone: Mars/Olympus\nchannels:\n  kannelUrl: ftp://x\nport: 99999\n', {
        RECOUP_LINK_DAYS: '0',
      }),
    );
    expect(m).toContain('timezone (/etc/recoup.yaml line 1): unknown time zone "Mars/Olympus"');
    expect(m).toContain(
      'channels.kannelUrl (/etc/recoup.yaml line 3): must be a http or https URL',
    );
    expect(m).toContain('port (/etc/recoup.yaml line 4): "99999" is not a port number');
    expect(m).toContain('RECOUP_LINK_DAYS: "0" is not a positive whole number');
  });

  it('refuses a value that is a list or a mapping, and a section that is not a mapping', () => {
    const m = problems(() => withFile('port: [1, 2]\nchannels: smtp://x\n'));
    expect(m).toContain('port (/etc/recoup.yaml line 1): must be a text or a number');
    expect(m).toContain('channels (/etc/recoup.yaml line 2): must be a mapping of keys to values');
  });

  it('reports a file it cannot read or parse', () => {
    expect(
      problems(() =>
        loadConfig({ RECOUP_CONFIG: '/nowhere.yaml' }, () => {
          throw new Error('ENOENT');
        }),
      ),
    ).toContain('RECOUP_CONFIG: cannot read "/nowhere.yaml" (ENOENT)');
    const m = problems(() => withFile('port: 1\nport: 2\n'));
    expect(m).toMatch(/\/etc\/recoup\.yaml line 2, column \d+: Map keys must be unique/);
  });

  it('has a file key for every variable, each named once', () => {
    const vars = Object.values(FILE_KEYS);
    expect(new Set(vars).size).toBe(vars.length);
    expect(parseConfigFile('', 'empty.yaml').values).toEqual({});
  });
});

describe("the scheduler's configuration", () => {
  it('takes the time of day and the dispatch from the environment or the file', () => {
    expect(loadConfig({})).toMatchObject({
      cycleAt: { hour: 0, minute: 0 },
      cycleDispatch: 'live',
      portfolios: [],
    });
    expect(loadConfig({ RECOUP_CYCLE_AT: '02:30', RECOUP_CYCLE_DISPATCH: 'none' })).toMatchObject({
      cycleAt: { hour: 2, minute: 30 },
      cycleDispatch: 'none',
    });
    expect(withFile('cycleAt: "03:15"\n').cycleAt).toEqual({ hour: 3, minute: 15 });
  });

  it('reads a list of portfolios, each with its schema, time zone and time', () => {
    const c = withFile(
      'timezone: Asia/Shanghai\ncycleAt: "02:00"\ncyclePartitions: 4\nportfolios:\n' +
        '  - schema: cards\n' +
        '  - schema: loans_uk\n    timezone: Europe/London\n    cycleAt: "01:30"\n    cyclePartitions: 2\n',
    );
    expect(c.portfolios).toEqual([
      {
        schema: 'cards',
        timezone: 'Asia/Shanghai',
        cycleAt: { hour: 2, minute: 0 },
        cyclePartitions: 4,
      },
      {
        schema: 'loans_uk',
        timezone: 'Europe/London',
        cycleAt: { hour: 1, minute: 30 },
        cyclePartitions: 2,
      },
    ]);
  });

  it('names the key of a bad time, dispatch or portfolio', () => {
    expect(problems(() => loadConfig({ RECOUP_CYCLE_AT: '25:00' }))).toContain(
      'RECOUP_CYCLE_AT: "25:00" is not a time of day (HH:MM, 00:00 to 23:59)',
    );
    expect(problems(() => withFile('cycleDispatch: simulate\n'))).toContain(
      'cycleDispatch (/etc/recoup.yaml line 1): "simulate" is not live or none',
    );
    const m = problems(() =>
      withFile('portfolios:\n  - schema: Cards\n    cycleAt: "2am"\n  - timezone: Mars/Olympus\n'),
    );
    expect(m).toContain(
      'portfolios[1].schema (/etc/recoup.yaml line 2): "Cards" is not a lower-case SQL identifier',
    );
    expect(m).toContain(
      'portfolios[1].cycleAt (/etc/recoup.yaml line 3): "2am" is not a time of day',
    );
    expect(m).toContain(
      'portfolios[2].schema (/etc/recoup.yaml): must be a lower-case SQL identifier',
    );
    expect(m).toContain(
      'portfolios[2].timezone (/etc/recoup.yaml line 4): unknown time zone "Mars/Olympus"',
    );
    expect(problems(() => withFile('portfolios:\n  - schema: cards\n    every: 1\n'))).toContain(
      'portfolios[1].every (/etc/recoup.yaml line 3): unknown key',
    );
    expect(problems(() => withFile('portfolios: cards\n'))).toContain(
      'portfolios (/etc/recoup.yaml line 1): must be a list of portfolios',
    );
  });
});
