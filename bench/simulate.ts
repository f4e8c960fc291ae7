/**
 * `npm run bench:simulate -- --accounts 100000 --days 180`: the shipped default strategy
 * against a challenger (M1 call on day 0) over the same synthetic portfolio; reports the time.
 */
import { readFileSync } from 'node:fs';
import { generateCustomers } from '../src/domain/portfolio/generator.ts';
import { simulate } from '../src/domain/simulation/simulate.ts';
import { parseStrategy } from '../src/domain/strategy/validate.ts';
import { record, s, timed } from './lib.ts';

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const accounts = arg('accounts', 100_000);
const days = arg('days', 180);
const source = readFileSync('strategies/default.yaml', 'utf8');
const compile = (text: string) => {
  const r = parseStrategy(text);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.strategy;
};
const champion = compile(source);
const challenger = compile(
  source.replace('id: first_call\n        offset: 5', 'id: first_call\n        offset: 0'),
);

const [records, generateSeconds] = await timed(async () => [
  ...generateCustomers({ accounts, seed: 2026, asOf: '2026-01-01' }),
]);
const options = {
  start: '2026-01-01',
  days,
  seed: 7,
  capacity: {
    phonePerDay: Math.round(accounts * 0.01),
    fieldVisitsPerDay: Math.round(accounts * 0.001),
  },
};
const [one, oneSeconds] = await timed(async () =>
  simulate(records, [{ name: 'default', strategy: champion }], options),
);
const [two, twoSeconds] = await timed(async () =>
  simulate(
    records,
    [
      { name: 'default', strategy: champion },
      { name: 'early-call', strategy: challenger },
    ],
    options,
  ),
);
record({
  bench: 'simulate',
  accounts,
  days,
  generateSeconds: s(generateSeconds),
  oneStrategySeconds: s(oneSeconds),
  twoStrategiesSeconds: s(twoSeconds),
  cureRates: two.results.map((r) => r.cureRate),
  recoveryRates: two.results.map((r) => r.recoveryRate),
  actions: one.results[0]!.actions,
});
