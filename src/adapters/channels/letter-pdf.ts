/**
 * Demand letters and notices as PDF: an A4 business letter in any language the bundled font
 * covers (English and Simplified Chinese first of all).
 *
 * Layout (DIN 5008 form B, which fits DL and C5/6 window envelopes): the sender's letterhead at
 * the top, the recipient's address in the window field (20 mm from the left, 45 mm from the top,
 * 85 × 45 mm, with the sender's return line at its top), date and reference at the right, the
 * heading in bold, the body, the bill as a table with right-aligned amounts, an optional footer
 * and page numbers ("1/2") when the letter runs to more than one page. Fold and punch marks sit on
 * the left edge of the first page.
 *
 * Text is laid out here, not by PDFKit: PDFKit breaks lines at spaces, while Chinese breaks
 * between any two characters except before closing and after opening punctuation. So lines are
 * broken with those rules (spaces, ideographs, punctuation, URLs), then each line is drawn on its
 * own, and wrapped Chinese lines are justified. One font, Noto Sans SC ("Noto Sans Hans", the
 * Simplified Chinese subset of Noto Sans CJK, which also covers Latin-1, Greek and Cyrillic),
 * comes from the npm package @embedpdf/fonts-sc, so no system font is needed; PDFKit embeds only
 * the glyphs used. A character the font lacks is replaced by its base letter (Ł → L) or "?".
 *
 * Output is deterministic: the creation date is the caller's `createdAt`, and nothing else in
 * the file depends on the clock.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

export interface LetterDocument {
  /** BCP 47 tag: 'en', 'zh-CN', ... (labels are Chinese for zh-*, English otherwise). */
  language: string;
  sender: { name: string; address: string[] };
  recipient: { name: string; address: string[] };
  /** Already formatted for the language. */
  date: string;
  /** The account reference shown on the letter. */
  reference: string;
  /** The subject line. */
  heading: string;
  /**
   * Paragraphs separated by blank lines; a single newline is a line break. When `bill` is given,
   * the table takes the place of the paragraph that is exactly {@link LETTER_BILL_PLACEHOLDER}
   * or else of the plain-text bill block (the paragraph whose last line shows the total label
   * and amount), or else follows the body.
   */
  body: string;
  /** The bill as a table, values already formatted. */
  bill?: LetterBill;
  /**
   * The return line above the recipient in the window; by default the sender's name and postal
   * lines (lines with a telephone number, an e-mail or web address are left out).
   */
  returnAddress?: string;
  /** Small print at the bottom of every page (newlines are kept). */
  footer?: string;
  /** The document's creation date (PDF metadata): passed in, so output is reproducible. */
  createdAt: Date;
}

export interface LetterBill {
  columns: string[];
  rows: string[][];
  /** Label and amount; the amount goes under the last column. */
  total: [string, string];
  /** Alignment per column; by default a column of amounts or numbers is right-aligned. */
  align?: ('left' | 'right')[];
}

/** A body paragraph that is exactly this is where the bill table goes. */
export const LETTER_BILL_PLACEHOLDER = '{{itemised_bill}}';

// ---------------------------------------------------------------------------------------------
// Fonts

const FONT_PACKAGE = '@embedpdf/fonts-sc';
const FONT_FILES = { regular: 'NotoSansHans-Regular.otf', bold: 'NotoSansHans-Bold.otf' };

interface LetterFonts {
  regular: Buffer;
  bold: Buffer;
  /** Whether both faces have a glyph for a code point. */
  has: (codePoint: number) => boolean;
}

let fontsLoading: Promise<LetterFonts> | undefined;

function fontsDir(): string {
  // The package exports only its index, which lives in dist/ beside fonts/.
  const entry = createRequire(import.meta.url).resolve(FONT_PACKAGE);
  return path.join(path.dirname(entry), '..', 'fonts');
}

function loadFonts(): Promise<LetterFonts> {
  fontsLoading ??= (async (): Promise<LetterFonts> => {
    const dir = fontsDir();
    const [regular, bold] = await Promise.all([
      readFile(path.join(dir, FONT_FILES.regular)),
      readFile(path.join(dir, FONT_FILES.bold)),
    ]);
    const r = cmapRanges(regular);
    const b = cmapRanges(bold);
    return { regular, bold, has: (cp) => inRanges(r, cp) && inRanges(b, cp) };
  })().catch((e: unknown) => {
    fontsLoading = undefined;
    throw e;
  });
  return fontsLoading;
}

/**
 * The code points an OpenType font maps, as sorted [start, end] pairs, from its Unicode cmap
 * (format 12, or format 4 for fonts of the Basic Multilingual Plane only).
 */
export function cmapRanges(font: Buffer): Uint32Array {
  const numTables = font.readUInt16BE(4);
  let cmap = -1;
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + i * 16;
    if (font.toString('latin1', rec, rec + 4) === 'cmap') cmap = font.readUInt32BE(rec + 8);
  }
  if (cmap < 0) throw new Error('font has no cmap table');
  let format4 = -1;
  let format12 = -1;
  const n = font.readUInt16BE(cmap + 2);
  for (let i = 0; i < n; i++) {
    const rec = cmap + 4 + i * 8;
    const platform = font.readUInt16BE(rec);
    const encoding = font.readUInt16BE(rec + 2);
    const sub = cmap + font.readUInt32BE(rec + 4);
    const format = font.readUInt16BE(sub);
    const unicode = platform === 0 || (platform === 3 && (encoding === 1 || encoding === 10));
    if (!unicode) continue;
    if (format === 12 && format12 < 0) format12 = sub;
    if (format === 4 && format4 < 0) format4 = sub;
  }
  const pairs: number[] = [];
  if (format12 >= 0) {
    const groups = font.readUInt32BE(format12 + 12);
    for (let g = 0; g < groups; g++) {
      const at = format12 + 16 + g * 12;
      pairs.push(font.readUInt32BE(at), font.readUInt32BE(at + 4));
    }
  } else if (format4 >= 0) {
    const segCount = font.readUInt16BE(format4 + 6) / 2;
    const ends = format4 + 14;
    const starts = ends + segCount * 2 + 2;
    for (let s = 0; s < segCount; s++) {
      const start = font.readUInt16BE(starts + s * 2);
      const end = font.readUInt16BE(ends + s * 2);
      if (start !== 0xffff) pairs.push(start, end);
    }
  } else {
    throw new Error('font has no Unicode cmap');
  }
  const sorted: [number, number][] = [];
  for (let i = 0; i < pairs.length; i += 2) sorted.push([pairs[i]!, pairs[i + 1]!]);
  sorted.sort((a, b) => a[0] - b[0]);
  return Uint32Array.from(sorted.flat());
}

function inRanges(ranges: Uint32Array, cp: number): boolean {
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < ranges[mid * 2]!) hi = mid - 1;
    else if (cp > ranges[mid * 2 + 1]!) lo = mid + 1;
    else return true;
  }
  return false;
}

const ODD_SPACES = /[\u2000-\u200a\u202f\u205f]/u;
const INVISIBLE = /[\u00ad\u200b-\u200d\u2060\ufeff]/u;
const NO_DECOMPOSITION: Record<string, string> = {
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ħ: 'H',
  ħ: 'h',
  ı: 'i',
  Ŀ: 'L',
  ŀ: 'l',
  Ŧ: 'T',
  ŧ: 't',
};

/** The text with what the font cannot show replaced: never a missing-glyph box. */
export function fitToFont(text: string, has: (cp: number) => boolean): string {
  let out = '';
  for (const ch of text.normalize('NFC')) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\t') out += ' ';
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || INVISIBLE.test(ch)) continue;
    else if (has(cp)) out += ch;
    else if (ODD_SPACES.test(ch)) out += has(0xa0) ? '\u00a0' : ' ';
    else {
      const base = NO_DECOMPOSITION[ch] ?? ch.normalize('NFD').replace(/\p{M}+/gu, '');
      if (base === '') continue;
      out += [...base].every((c) => has(c.codePointAt(0)!)) ? base : '?';
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Line breaking

/** No line starts with these (closing punctuation, small kana, the iteration mark). */
const NO_BREAK_BEFORE = new Set([
  ...'!%),.:;?]}¢°·’”‰′″℃、。〉》」』】〕〗〙〛〞〟・！％），．：；？］｝～｠｡｣､･…‥々〻ーぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ',
]);
/** No line ends with these (opening punctuation, currency signs before an amount). */
const NO_BREAK_AFTER = new Set([...'([{$£¥€‘“〈《「『【〔〖〘〚〝（［｛｟｢￥￡＄']);
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u2e80-\u2fff\u3000-\u303f\u3200-\u33ff\uff00-\uffef]/u;
const isWide = (ch: string) => WIDE.test(ch);
const LETTER = /\p{L}/u;
const ALNUM = /[\p{L}\p{N}]/u;

/** Whether a line may break between chars[i - 1] and chars[i]. */
function canBreakBefore(chars: readonly string[], i: number): boolean {
  const a = chars[i - 1]!;
  const b = chars[i]!;
  if (b === ' ') return false; // breaks come after spaces
  if (a === ' ') return true;
  if (a === '\u00a0' || b === '\u00a0') return false;
  if (NO_BREAK_BEFORE.has(b) || NO_BREAK_AFTER.has(a)) return false;
  if ((a === '—' && b === '—') || (a === '⸺' && b === '⸺')) return false;
  if (isWide(a) || isWide(b) || a === '—' || b === '—') return true;
  // After a hyphen inside a word ("well-known"), and after a slash before a letter (URLs).
  const before = chars[i - 2];
  if ((a === '-' || a === '‐' || a === '–') && before !== undefined && ALNUM.test(before))
    return ALNUM.test(b);
  if (a === '/' && LETTER.test(b)) return true;
  return false;
}

/**
 * Breaks one line of text (no newlines) into lines no wider than `width`, by the rules above;
 * a word wider than a line is cut between characters. Joining the lines gives back the text
 * less the spaces at the breaks.
 */
export function wrapText(text: string, width: number, measure: (s: string) => number): string[] {
  const chars = [...text];
  if (chars.length === 0) return [''];
  const words: string[] = [];
  let word = chars[0]!;
  for (let i = 1; i < chars.length; i++) {
    if (canBreakBefore(chars, i)) {
      words.push(word);
      word = '';
    }
    word += chars[i];
  }
  words.push(word);

  const lines: string[] = [];
  let line = '';
  let lineWidth = 0; // with its trailing spaces
  const flush = () => {
    lines.push(line.trimEnd());
    line = '';
    lineWidth = 0;
  };
  for (const w of words) {
    const bare = w.trimEnd();
    const bareWidth = measure(bare);
    if (line !== '' && lineWidth + bareWidth > width) flush();
    if (line === '' && bareWidth > width) {
      // A word longer than the line (a long link): cut it between characters.
      for (const ch of w) {
        const chWidth = measure(ch);
        if (line !== '' && ch !== ' ' && lineWidth + chWidth > width) flush();
        line += ch;
        lineWidth += chWidth;
      }
      continue;
    }
    line += w;
    lineWidth += bareWidth + (bare.length < w.length ? measure(w.slice(bare.length)) : 0);
  }
  if (line !== '' || lines.length === 0) flush();
  return lines;
}

// ---------------------------------------------------------------------------------------------
// Layout

const MM = 72 / 25.4;
const PAGE = { width: 595.28, height: 841.89 };
const LEFT = 25 * MM;
const RIGHT = PAGE.width - 20 * MM;
const WIDTH = RIGHT - LEFT;
const INK = '#1a1a1a';
const GREY = '#5f6368';
const RULE = '#c4c7c5';
const SHADE = '#eef0f1';

type Face = 'regular' | 'bold';
interface Style {
  face: Face;
  size: number;
  /** Distance between baselines. */
  leading: number;
  color: string;
}

interface Labels {
  date: string;
  reference: string;
}
const LABELS: Record<'en' | 'zh', Labels> = {
  en: { date: 'Date', reference: 'Account' },
  zh: { date: '日期', reference: '账户' },
};

class Composer {
  /** Top of the free space on the current page. */
  y = 0;
  bottom = 0;
  private pageHasBody = false;
  readonly cjk: boolean;
  readonly body: Style;
  readonly small: Style;

  constructor(
    readonly doc: PDFKit.PDFDocument,
    readonly letter: LetterDocument,
    readonly fonts: LetterFonts,
  ) {
    this.cjk = /^(zh|ja|ko)\b/i.test(letter.language);
    this.body = { face: 'regular', size: 10.5, leading: this.cjk ? 18 : 15, color: INK };
    this.small = { face: 'regular', size: 7.5, leading: 9.5, color: GREY };
  }

  fit(text: string): string {
    return fitToFont(text, this.fonts.has);
  }

  /** Selects the style's font for measuring (no content is written). */
  measureWith(style: Style): PDFKit.PDFDocument {
    return this.doc.font(style.face).fontSize(style.size);
  }

  width(text: string, style: Style): number {
    return this.measureWith(style).widthOfString(text);
  }

  wrap(text: string, width: number, style: Style): string[] {
    this.measureWith(style);
    return text
      .split('\n')
      .flatMap((line) => wrapText(this.fit(line), width, (s) => this.doc.widthOfString(s)));
  }

  /** Draws one line (already fitted) with its baseline at `baseline`. */
  line(
    text: string,
    x: number,
    baseline: number,
    style: Style,
    opts: { align?: 'left' | 'right'; characterSpacing?: number } = {},
  ): void {
    if (text === '') return;
    const left = opts.align === 'right' ? x - this.width(text, style) : x;
    this.measureWith(style)
      .fillColor(style.color)
      .text(text, left, baseline, {
        lineBreak: false,
        baseline: 'alphabetic',
        characterSpacing: opts.characterSpacing ?? 0,
      });
  }

  /** One line that must fit `maxWidth`: a smaller size, then an ellipsis. */
  fittedLine(
    text: string,
    x: number,
    baseline: number,
    style: Style,
    maxWidth: number,
    align: 'left' | 'right' = 'left',
    minSize = style.size * 0.8,
  ): void {
    let t = this.fit(text);
    let s = style;
    const natural = this.width(t, s);
    if (natural > maxWidth) {
      s = { ...style, size: Math.max(minSize, (style.size * maxWidth) / natural) };
      while (t.length > 1 && this.width(t, s) > maxWidth) t = `${[...t].slice(0, -2).join('')}…`;
    }
    this.line(t, x, baseline, s, { align });
  }

  rule(x1: number, x2: number, y: number, width = 0.5, color = RULE): void {
    this.doc.save().lineWidth(width).strokeColor(color).moveTo(x1, y).lineTo(x2, y).stroke();
    this.doc.restore();
  }

  newPage(): void {
    this.doc.addPage({ size: 'A4', margin: 0 });
    const header = `${this.letter.recipient.name} · ${this.letter.reference}`;
    const small = { ...this.small, size: 8 };
    this.fittedLine(header, LEFT, 14 * MM, small, WIDTH * 0.65);
    this.fittedLine(this.letter.date, RIGHT, 14 * MM, small, WIDTH * 0.3, 'right');
    this.rule(LEFT, RIGHT, 16.5 * MM);
    this.y = 25 * MM;
    this.pageHasBody = false;
  }

  /** Lines of one style, kept to the width; two at least at the foot and the head of a page. */
  lines(
    lines: readonly { text: string; justify: boolean }[],
    style: Style,
    x = LEFT,
    width = WIDTH,
  ): void {
    let i = 0;
    while (i < lines.length) {
      const fits = Math.floor((this.bottom - this.y) / style.leading + 1e-6);
      const left = lines.length - i;
      let take = Math.min(fits, left);
      if (take < left) {
        if (left - take === 1) take -= 1; // no widow
        if (i === 0 && take < 2) take = 0; // no orphan
        if (take <= 0) {
          if (this.pageHasBody) {
            this.newPage();
            continue;
          }
          take = Math.max(1, fits);
        }
      }
      for (let k = 0; k < take; k++) {
        const { text, justify } = lines[i + k]!;
        const baseline = this.y + (style.leading - style.size) / 2 + 0.88 * style.size;
        let characterSpacing = 0;
        const n = [...text].length;
        if (justify && n > 1) {
          const spare = width - this.width(text, style);
          const per = spare / (n - 1);
          if (per > 0 && per <= 0.12 * style.size) characterSpacing = per;
        }
        this.line(text, x, baseline, style, { characterSpacing });
        this.y += style.leading;
      }
      this.pageHasBody = true;
      i += take;
      if (i < lines.length) this.newPage();
    }
  }

  paragraph(text: string, style: Style, x = LEFT, width = WIDTH): void {
    const lines: { text: string; justify: boolean }[] = [];
    this.measureWith(style);
    for (const source of text.split('\n')) {
      const wrapped = wrapText(this.fit(source), width, (s) => this.doc.widthOfString(s));
      wrapped.forEach((l, k) =>
        lines.push({
          text: l,
          // Chinese is set justified: each wrapped line but the last fills the measure.
          justify: this.cjk && k < wrapped.length - 1 && WIDE.test(l),
        }),
      );
    }
    this.lines(lines, style, x, width);
  }

  gap(height: number): void {
    if (this.pageHasBody) this.y = Math.min(this.y + height, this.bottom);
  }

  table(bill: LetterBill): void {
    const n = bill.columns.length;
    if (n === 0) return;
    const padX = 4;
    const padY = 3.5;
    const cell = (row: readonly string[], c: number) => this.fit(row[c] ?? '');
    const rows = bill.rows.map((r) => bill.columns.map((_, c) => cell(r, c)));
    const header = bill.columns.map((h) => this.fit(h));
    const total = bill.total.map((t) => this.fit(t)) as [string, string];
    const align = bill.columns.map(
      (_, c) =>
        bill.align?.[c] ??
        (rows.length > 0 && rows.every((r) => isAmount(r[c]!)) ? 'right' : 'left'),
    );
    if (n > 1) align[n - 1] = bill.align?.[n - 1] ?? 'right'; // the total's amount sits there

    // Sizes from 9 pt down to 8 pt until the natural widths fit; then text columns wrap.
    let size: number;
    let natural: number[] = [];
    for (size = 9; size >= 8; size -= 0.5) {
      const reg = { face: 'regular' as const, size, leading: 0, color: INK };
      const bold = { ...reg, face: 'bold' as const };
      natural = bill.columns.map(
        (_, c) =>
          Math.max(
            this.width(header[c]!, bold),
            ...rows.map((r) => this.width(r[c]!, reg)),
            c === n - 1 ? this.width(total[1], bold) : 0,
          ) +
          2 * padX,
      );
      if (sum(natural) <= WIDTH) break;
    }
    size = Math.max(size, 8);
    let widths: number[];
    if (sum(natural) <= WIDTH) {
      widths = natural.map((w) => (w * WIDTH) / sum(natural));
    } else {
      const fixed = natural.map((w, c) => (align[c] === 'right' ? w : 0));
      const room = WIDTH - sum(fixed);
      const flexible = sum(natural) - sum(fixed);
      widths =
        room > WIDTH * 0.3 && flexible > 0
          ? natural.map((w, c) => (align[c] === 'right' ? w : (w * room) / flexible))
          : natural.map((w) => (w * WIDTH) / sum(natural));
    }
    const xs = widths.map((_, c) => LEFT + sum(widths.slice(0, c)));
    const reg: Style = {
      face: 'regular',
      size,
      leading: size * (this.cjk ? 1.5 : 1.35),
      color: INK,
    };
    const bold: Style = { ...reg, face: 'bold' };
    const head: Style = { ...bold, color: GREY, size: size - 0.5 };

    const layoutRow = (cells: readonly string[], style: Style) => {
      const wrapped = cells.map((t, c) =>
        wrapText(t, widths[c]! - 2 * padX, (s) => this.width(s, style)),
      );
      const height = Math.max(...wrapped.map((l) => l.length)) * style.leading + 2 * padY;
      return { wrapped, height };
    };
    const drawRow = (row: { wrapped: string[][]; height: number }, style: Style) => {
      row.wrapped.forEach((lines, c) => {
        lines.forEach((l, k) => {
          const baseline = this.y + padY + k * style.leading + (style.leading - style.size) / 2;
          const x = align[c] === 'right' ? xs[c]! + widths[c]! - padX : xs[c]! + padX;
          this.line(l, x, baseline + 0.88 * style.size, style, { align: align[c]! });
        });
      });
      this.y += row.height;
    };
    const headRow = layoutRow(header, head);
    const drawHeader = () => {
      this.doc.save().rect(LEFT, this.y, WIDTH, headRow.height).fill(SHADE).restore();
      drawRow(headRow, head);
      this.rule(LEFT, RIGHT, this.y, 0.6, GREY);
    };
    const bodyRows = rows.map((r) => layoutRow(r, reg));
    const labelWidth = n > 1 ? sum(widths.slice(0, n - 1)) : widths[0]! / 2;
    const totalLabel = wrapText(total[0], labelWidth - 2 * padX, (s) => this.width(s, bold));
    const totalHeight = totalLabel.length * bold.leading + 2 * padY + 2;

    const first = bodyRows.slice(0, 2).reduce((h, r) => h + r.height, headRow.height);
    if (this.y + first > this.bottom && this.pageHasBody) this.newPage();
    drawHeader();
    bodyRows.forEach((row, i) => {
      // Keep the last row with the total.
      const needed = row.height + (i === bodyRows.length - 1 ? totalHeight : 0);
      if (this.y + needed > this.bottom) {
        this.newPage();
        drawHeader();
      }
      drawRow(row, reg);
      if (i < bodyRows.length - 1) this.rule(LEFT, RIGHT, this.y, 0.3);
    });
    if (this.y + totalHeight > this.bottom) {
      this.newPage();
      drawHeader();
    }
    this.rule(LEFT, RIGHT, this.y + 0.5, 0.9, INK);
    this.y += 2;
    const baseline = (k: number) =>
      this.y + padY + k * bold.leading + (bold.leading - bold.size) / 2 + 0.88 * bold.size;
    totalLabel.forEach((l, k) => this.line(l, LEFT + padX, baseline(k), bold));
    this.line(total[1], RIGHT - padX, baseline(0), bold, { align: 'right' });
    this.y += totalHeight - 2;
    this.pageHasBody = true;
  }
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);

/** "$1,234.56", "¥1,234.56", "US$12.00", "1.234,56 €", "CHF 12.00", "-3", "12": an amount. */
function isAmount(value: string): boolean {
  const bare = value
    .replace(/\p{Sc}|[\s\u00a0\u202f()]/gu, '')
    .replace(/^[-−+]/u, '')
    .replace(/^\p{Lu}{1,3}|\p{Lu}{1,3}$/gu, '');
  return value.trim() === '' || /^\d[\d.,'’]*$/u.test(bare);
}

function letterhead(c: Composer): void {
  const { sender } = c.letter;
  const name: Style = { face: 'bold', size: 14, leading: 17, color: INK };
  c.fittedLine(sender.name, LEFT, 20 * MM, name, WIDTH * 0.55);
  const address = sender.address.slice(0, 6);
  if (sender.address.length > 6) address.push(sender.address.slice(6).join(' · '));
  const small: Style = { ...c.small, size: 8, leading: 10 };
  address.forEach((line, i) =>
    c.fittedLine(line, RIGHT, 16 * MM + i * small.leading, small, WIDTH * 0.42, 'right'),
  );
  c.rule(LEFT, RIGHT, Math.max(27 * MM, 16 * MM + (address.length - 1) * small.leading + 5));
}

const CONTACT_LINE =
  /@|https?:|www\.|^\s*\+?[\d\s()/.-]{6,}$|\b(tel|phone|fax|e-?mail|web)\b|电话|热线|传真|邮箱|网址/iu;

/** The window field: the return line at its top, the recipient's address below. */
function addressField(c: Composer): void {
  const { sender, recipient } = c.letter;
  const x = 25 * MM;
  const maxWidth = 80 * MM;
  // The return line: the sender's postal address (no telephone, e-mail or web lines) on one
  // line, or two in smaller print; too long even so, it loses its first lines (a department).
  const postal = sender.address.filter((l) => !CONTACT_LINE.test(l));
  const candidates = c.letter.returnAddress?.trim()
    ? [c.letter.returnAddress.trim()]
    : postal.map((_, i) => [sender.name, ...postal.slice(i)].join(' · '));
  const one: Style = { ...c.small, size: 7 };
  const two: Style = { ...c.small, size: 6.5, leading: 7.5 };
  const first = c.fit(candidates[0] ?? sender.name);
  if (c.width(first, one) <= maxWidth) {
    c.line(first, x, 48.5 * MM, one);
  } else {
    const wrapped =
      candidates.map((l) => c.wrap(l, maxWidth, two)).find((w) => w.length <= 2) ??
      c.wrap(first, maxWidth, two).slice(0, 2);
    wrapped.forEach((l, i) => c.fittedLine(l, x, 47.4 * MM + i * two.leading, two, maxWidth));
  }
  const lines = [recipient.name, ...recipient.address].filter((l) => l.trim() !== '');
  const scale = Math.min(1, 6 / lines.length);
  const style: Style = { face: 'regular', size: 10 * scale, leading: 12.5 * scale, color: INK };
  lines.forEach((l, i) => c.fittedLine(l, x, 66 * MM + i * style.leading, style, maxWidth));
}

/** Date and reference, right of the window; returns the bottom of the block. */
function infoBlock(c: Composer, labels: Labels): number {
  const x = 125 * MM;
  const maxWidth = RIGHT - x;
  const label: Style = { ...c.small, size: 7.5 };
  const value: Style = { face: 'regular', size: 10, leading: 13, color: INK };
  let y = 52 * MM;
  for (const [l, v] of [
    [labels.date, c.letter.date],
    [labels.reference, c.letter.reference],
  ] as const) {
    if (v.trim() === '') continue;
    c.fittedLine(l, x, y, label, maxWidth);
    c.fittedLine(v, x, y + 12.5, value, maxWidth);
    y += 30;
  }
  return y - 14;
}

function foldMarks(c: Composer): void {
  for (const [y, length] of [
    [105, 4],
    [148.5, 6],
    [210, 4],
  ] as const)
    c.rule(4 * MM, (4 + length) * MM, y * MM, 0.4, '#9aa0a6');
}

function bodyParts(letter: LetterDocument): { text?: string; bill?: true }[] {
  const paragraphs = letter.body
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.replace(/^\n+|\s+$/g, ''))
    .filter((p) => p.trim() !== '');
  const bill = letter.bill;
  if (!bill) return paragraphs.map((text) => ({ text }));
  const label = bill.total[0].replace(/[:：]\s*$/u, '').trim();
  let at = paragraphs.findIndex((p) => p.trim() === LETTER_BILL_PLACEHOLDER);
  if (at < 0) {
    at = paragraphs.findIndex((p) => {
      const last = p.split('\n').at(-1)!;
      return last.includes(bill.total[1]) && (label === '' || last.includes(label));
    });
  }
  const parts: { text?: string; bill?: true }[] = paragraphs.map((text) => ({ text }));
  if (at < 0) parts.push({ bill: true });
  else parts[at] = { bill: true };
  return parts;
}

/** Renders the letter as an A4 PDF. */
export async function renderLetterPdf(letter: LetterDocument): Promise<Buffer> {
  const fonts = await loadFonts();
  const labels = /^zh\b/i.test(letter.language) ? LABELS.zh : LABELS.en;
  const doc = new PDFDocument({
    size: 'A4',
    margin: 0,
    bufferPages: true,
    autoFirstPage: false,
    lang: letter.language,
    displayTitle: true,
    info: {
      Title: letter.heading,
      Author: letter.sender.name,
      Subject: `${labels.reference} ${letter.reference}`,
      Creator: 'Recoup',
      Producer: 'Recoup (PDFKit)',
      CreationDate: letter.createdAt,
      ModDate: letter.createdAt,
    },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);

  const c = new Composer(doc, letter, fonts);
  doc.addPage({ size: 'A4', margin: 0 });
  const footerWidth = WIDTH - 18 * MM;
  const footer = letter.footer?.trim() ? c.wrap(letter.footer.trim(), footerWidth, c.small) : [];
  const footerTop = PAGE.height - 10 * MM - Math.max(0, footer.length - 1) * c.small.leading - 9;
  c.bottom = footerTop - 8 * MM;

  foldMarks(c);
  letterhead(c);
  addressField(c);
  const infoBottom = infoBlock(c, labels);

  const heading: Style = { face: 'bold', size: 12.5, leading: c.cjk ? 19 : 17, color: INK };
  c.y = Math.max(97 * MM, infoBottom + 6 * MM);
  c.paragraph(letter.heading, heading);
  c.y += c.body.leading * 0.6;

  const parts = bodyParts(letter);
  parts.forEach((part, i) => {
    if (i > 0) c.gap(c.body.leading * 0.6);
    if (part.bill && letter.bill) {
      c.gap(3);
      c.table(letter.bill);
      c.gap(3);
    } else if (part.text !== undefined) c.paragraph(part.text, c.body);
  });

  const { start, count } = doc.bufferedPageRange();
  for (let p = start; p < start + count; p++) {
    doc.switchToPage(p);
    if (footer.length > 0) c.rule(LEFT, RIGHT, footerTop - 1 * MM, 0.4);
    footer.forEach((line, i) =>
      c.line(line, LEFT, footerTop + 2.5 * MM + i * c.small.leading, c.small),
    );
    if (count > 1) {
      const number: Style = { ...c.small, size: 8, color: INK };
      c.line(`${p - start + 1}/${count}`, RIGHT, footerTop + 2.5 * MM, number, { align: 'right' });
    }
  }
  doc.end();
  return done;
}
