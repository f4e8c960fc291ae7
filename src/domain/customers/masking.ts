/**
 * Masking personal data: what lists, logs and roles that may not see a customer in full are
 * shown. A phone keeps its first three and last four digits (`138****5678`), an email the first
 * letter of its local part and its domain (`z***@example.com`), an address its last part (the
 * town), a name its first word and the initials of the others (`Ann L***`; `王*`).
 */

/** `13812345678` → `138****5678`; `+8613812345678` → `+861******5678`; short numbers keep two. */
export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '');
  const plus = phone.trim().startsWith('+') ? '+' : '';
  if (digits.length === 0) return '***';
  if (digits.length <= 7)
    return plus + '*'.repeat(Math.max(digits.length - 2, 1)) + digits.slice(-2);
  return plus + digits.slice(0, 3) + '*'.repeat(digits.length - 7) + digits.slice(-4);
}

/** `zhang.wei@example.com` → `z***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${[...email.slice(0, at)][0]}***${email.slice(at)}`;
}

/** `12 Baker Street, London NW1` → `***, London NW1`; an address of one part → `***`. */
export function maskAddress(address: string): string {
  const parts = address
    .split(/[,，]/)
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return parts.length >= 2 ? `***, ${parts.at(-1)}` : '***';
}

/** `Ann Lee` → `Ann L***`; `王伟` → `王*`; `Ann` stays. */
export function maskName(name: string): string {
  const words = name.trim().split(/\s+/);
  if (words.length === 1) {
    const chars = [...words[0]!];
    // a name written without spaces (Chinese, Japanese, Korean): the family name stays
    return /[\u3000-\u9fff\uac00-\ud7af]/.test(words[0]!)
      ? chars[0]! + '*'.repeat(chars.length - 1)
      : words[0]!;
  }
  return [words[0], ...words.slice(1).map((w) => `${[...w][0]}***`)].join(' ');
}

/** Any other personal text (an employer): its first character. */
export function maskText(text: string): string {
  const first = [...text.trim()][0];
  return first === undefined ? '' : `${first}***`;
}

/** The personal fields of a record and how each is masked; values of other keys stay. */
export const PERSONAL_FIELDS: Readonly<Record<string, (s: string) => string>> = {
  name: maskName,
  phone: maskPhone,
  email: maskEmail,
  address: maskAddress,
  line: maskAddress,
  recipient: maskRecipient,
  from: maskRecipient,
  employer: maskText,
};

/** A contact address of any channel: an email, a phone number, or a postal address. */
export function maskRecipient(value: string): string {
  if (value.includes('@')) return maskEmail(value);
  if (/^[+\d\s().-]+$/.test(value)) return maskPhone(value);
  return maskAddress(value);
}

/** Left out of a masked record: coordinates (they locate a home) and the income. */
const HIDDEN = new Set(['latitude', 'longitude', 'incomeMinor']);

/**
 * A copy of a JSON value with every personal field masked, at any depth (the details of a
 * timeline entry, a change's before and after). A contact point's `value` is masked by its kind.
 */
export function maskDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskDeep);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  const rec = value as Record<string, unknown>;
  for (const [k, v] of Object.entries(rec)) {
    const mask =
      k === 'value' && typeof rec.kind === 'string'
        ? PERSONAL_FIELDS[rec.kind]
        : PERSONAL_FIELDS[k];
    if (HIDDEN.has(k)) out[k] = null;
    else if (mask && typeof v === 'string') out[k] = mask(v);
    else out[k] = maskDeep(v);
  }
  return out;
}

/** A search text as logs show it: a number, an email or a name, masked as one. */
export function maskSearchText(q: string): string {
  if (q.includes('@')) return maskEmail(q);
  if (/\d/.test(q)) return /^[+\d\s().-]+$/.test(q) ? maskPhone(q) : `${[...q][0] ?? ''}***`;
  return maskName(q);
}
