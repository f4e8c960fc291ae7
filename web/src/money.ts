/**
 * Exact sums of decimal amount strings ("1234.50"), by BigInt in the smallest unit shown, so a
 * total on screen is the total of the figures beside it.
 */
export function sumAmounts(amounts: readonly string[]): string {
  const scale = Math.max(0, ...amounts.map((a) => (a.split('.')[1] ?? '').length));
  const total = amounts.reduce((s, a) => s + toUnits(a, scale), 0n);
  return fromUnits(total, scale);
}

function toUnits(a: string, scale: number): bigint {
  const neg = a.startsWith('-');
  const [whole = '0', frac = ''] = a.replace('-', '').split('.');
  const v = BigInt(whole + frac.padEnd(scale, '0'));
  return neg ? -v : v;
}

function fromUnits(v: bigint, scale: number): string {
  const neg = v < 0n;
  const digits = (neg ? -v : v).toString().padStart(scale + 1, '0');
  const body = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return (neg ? '-' : '') + body;
}

/** Minor units (an integer from the API) as a decimal string for the currency's exponent. */
export function minorToAmount(minor: number, currency: string): string {
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits ?? 2;
  return fromUnits(BigInt(minor), digits);
}
