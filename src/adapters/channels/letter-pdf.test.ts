import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  LETTER_BILL_PLACEHOLDER,
  fitToFont,
  renderLetterPdf,
  wrapText,
  type LetterDocument,
} from './letter-pdf.ts';

// Text extraction needs pdftotext and pdfinfo (Debian: poppler-utils). Without them the
// extraction checks are skipped, except on CI, where they must run.
const poppler = spawnSync('pdftotext', ['-v']).status === 0;
if (!poppler && process.env.CI) {
  throw new Error('pdftotext not found: install poppler-utils (apt-get install -y poppler-utils)');
}

const work = mkdtempSync(path.join(tmpdir(), 'letter-pdf-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

let files = 0;
function popplerTool(tool: 'pdftotext' | 'pdfinfo', pdf: Buffer, args: string[] = []): string {
  const file = path.join(work, `${++files}.pdf`);
  writeFileSync(file, pdf);
  const out = spawnSync(tool, [...args, file, ...(tool === 'pdftotext' ? ['-'] : [])], {
    encoding: 'utf8',
  });
  if (out.status !== 0) throw new Error(`${tool} failed: ${out.stderr}`);
  return out.stdout;
}

const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type \/Page\b(?!s)/g)?.length;
const squeeze = (s: string) => s.replace(/\s+/g, '');

const createdAt = new Date('2026-11-29T09:30:00Z');

const englishLetter = (): LetterDocument => ({
  language: 'en',
  sender: {
    name: 'Northwind Consumer Finance Ltd',
    address: [
      'Collections Department',
      '221 Market Street, Suite 400',
      'San Francisco, CA 94105',
      '+1 415 555 0100',
    ],
  },
  recipient: {
    name: 'Zoë Łukasiewicz',
    address: ['1458 Maple Avenue, Apt 3B', 'Springfield, IL 62704'],
  },
  date: 'November 29, 2026',
  reference: '****4821',
  heading: 'Payment reminder: account ****4821',
  body: [
    'Dear Zoë Łukasiewicz,',
    'Our records show that $836.70 on your account ****4821 is 45 days overdue:',
    '#1 due January 15, 2026: principal $150.00, interest $12.34, fees $0.00, unpaid $162.34\nTotal due: $836.70',
    'Please pay, or contact us to agree a plan: https://pay.northwind.example/p/8f3k2-a91x-44q0, reference NW-4821-7731. Free, independent debt advice is available if you need it.',
    'Yours sincerely,\nNorthwind Consumer Finance Ltd',
  ].join('\n\n'),
  bill: {
    columns: ['#', 'Due date', 'Principal', 'Interest', 'Fees', 'Unpaid'],
    rows: ['January', 'February', 'March', 'April', 'May'].map((month, i) => [
      String(i + 1),
      `${month} 15, 2026`,
      '$150.00',
      '$12.34',
      i === 2 ? '$25.00' : '$0.00',
      i === 2 ? '$187.34' : '$162.34',
    ]),
    total: ['Total due', '$836.70'],
  },
  footer: 'Northwind Consumer Finance Ltd · NMLS ID 123456 · This is an attempt to collect a debt.',
  createdAt,
});

const chineseParagraph =
  '根据《中华人民共和国民法典》及双方签订的借款合同约定，借款人应按期足额偿还借款本金、利息及相关费用。截至本函发出之日，您的账户仍有逾期款项未予结清，我们已多次通过短信、电子邮件及电话与您联系，但尚未收到您的还款或回复。如确有困难，请及时与我们沟通，我们可以根据您的实际情况协商分期还款、延期还款或减免部分费用的方案。';

const chineseLetter = (): LetterDocument => ({
  language: 'zh-CN',
  sender: {
    name: '北风消费金融有限公司',
    address: ['上海市浦东新区世纪大道100号', '环球金融中心25楼', '客服热线：400-820-8888'],
  },
  recipient: { name: '王小明', address: ['北京市朝阳区建国路88号', 'SOHO现代城3号楼1203室'] },
  date: '2026年11月29日',
  reference: '****4821',
  heading: '还款提醒函：尾号****4821账户',
  body: [
    '尊敬的王小明：',
    '根据我们的记录，您尾号****4821的账户已逾期45天，应还¥8,367.00：',
    LETTER_BILL_PLACEHOLDER,
    ...Array.from({ length: 5 }, () => chineseParagraph),
    '请您尽快还款，或联系我们协商还款计划：https://pay.northwind.example/p/8f3k2-a91x，参考号NW-4821-7731。',
    ...Array.from({ length: 2 }, () => chineseParagraph),
    '北风消费金融有限公司',
  ].join('\n\n'),
  bill: {
    columns: ['期数', '到期日', '本金', '利息', '费用', '未还'],
    rows: [1, 2, 3, 4, 5].map((i) => [
      `第${i}期`,
      `2026年${i}月15日`,
      '¥1,500.00',
      '¥123.40',
      i === 3 ? '¥250.00' : '¥0.00',
      i === 3 ? '¥1,873.40' : '¥1,623.40',
    ]),
    total: ['合计应还', '¥8,367.00'],
  },
  footer: '北风消费金融有限公司 · 客服热线 400-820-8888',
  createdAt,
});

describe('wrapText', () => {
  const mono = (s: string) => [...s].length * 10;

  it('breaks Chinese between characters, never before closing or after opening punctuation', () => {
    const text =
      '根据《中华人民共和国民法典》及借款合同约定，借款人应按期足额偿还借款本金、利息及相关费用。';
    for (const width of [50, 60, 70, 80, 90, 100, 130]) {
      const lines = wrapText(text, width, mono);
      expect(lines.join('')).toBe(text);
      for (const line of lines) {
        expect(mono(line)).toBeLessThanOrEqual(width);
        expect('，。、：；！？）》」').not.toContain(line[0]);
        expect('（《「').not.toContain(line.at(-1));
      }
    }
  });

  it('breaks Latin text at spaces only, and cuts a word longer than the line', () => {
    expect(wrapText('Please pay the amount due today', 120, mono)).toEqual([
      'Please pay',
      'the amount',
      'due today',
    ]);
    expect(wrapText('see abcdefghijklmnopqrstuvwxyz', 100, mono)).toEqual([
      'see',
      'abcdefghij',
      'klmnopqrst',
      'uvwxyz',
    ]);
  });

  it('keeps an amount with its currency sign and allows breaks between Latin and Chinese', () => {
    const lines = wrapText('应还¥8,367.00元整', 90, mono);
    expect(lines).toEqual(['应还', '¥8,367.00', '元整']);
  });
});

describe('fitToFont', () => {
  const latin1 = (cp: number) => cp < 0x100;
  it('replaces what the font lacks with the base letter or "?"', () => {
    expect(fitToFont('Łukasz Čapek\u202f€', latin1)).toBe('Lukasz Capek\u00a0?');
  });
});

describe('renderLetterPdf', () => {
  it('renders an English letter on one A4 page with metadata and the bill as a table', async () => {
    const started = performance.now();
    const pdf = await renderLetterPdf(englishLetter());
    const ms = performance.now() - started;
    expect(pdf.subarray(0, 8).toString('latin1')).toMatch(/^%PDF-1\.\d/);
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(pageCount(pdf)).toBe(1);
    expect(pdf.length).toBeLessThan(200_000);
    expect(ms).toBeLessThan(10_000);

    if (!poppler) return;
    const info = popplerTool('pdfinfo', pdf);
    expect(info).toMatch(/^Title:\s+Payment reminder: account \*\*\*\*4821$/m);
    expect(info).toMatch(/^Author:\s+Northwind Consumer Finance Ltd$/m);
    expect(info).toMatch(/^Subject:\s+Account \*\*\*\*4821$/m);
    expect(info).toMatch(/^CreationDate:\s+Sun Nov 29 09:30:00 2026 UTC$/m);
    expect(info).toMatch(/^Page size:\s+595\.28 x 841\.89 pts \(A4\)$/m);
    const text = popplerTool('pdftotext', pdf, ['-layout']);
    expect(text).toContain('Payment reminder: account ****4821');
    expect(text).toContain('Zoë Lukasiewicz'); // Ł is not in the font: its base letter
    expect(text).toContain('Springfield, IL 62704');
    expect(text).toContain('November 29, 2026');
    expect(text).toMatch(/3\s+March 15, 2026\s+\$150\.00\s+\$12\.34\s+\$25\.00\s+\$187\.34/);
    expect(text).toMatch(/Total due\s+\$836\.70/);
    expect(text).not.toContain('#1 due'); // the plain-text bill gave way to the table
    expect(text).toContain('Yours sincerely,');
    expect(text).not.toContain('1/1');
  });

  it('renders a Chinese letter over two pages, with page numbers and extractable Chinese text', async () => {
    const pdf = await renderLetterPdf(chineseLetter());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toContain('%%EOF');
    expect(pageCount(pdf)).toBe(2);
    expect(pdf.length).toBeLessThan(200_000);

    if (!poppler) return;
    const info = popplerTool('pdfinfo', pdf);
    expect(info).toMatch(/^Title:\s+还款提醒函：尾号\*\*\*\*4821账户$/m);
    expect(info).toMatch(/^Author:\s+北风消费金融有限公司$/m);
    expect(info).toMatch(/^Pages:\s+2$/m);
    const text = popplerTool('pdftotext', pdf);
    const flat = squeeze(text);
    expect(flat).toContain('还款提醒函：尾号****4821账户');
    expect(flat).toContain('北京市朝阳区建国路88号');
    expect(flat).toContain('2026年11月29日');
    expect(flat).toContain(squeeze(chineseParagraph));
    expect(flat).toContain('参考号NW-4821-7731。');
    for (const cell of [
      '期数',
      '第3期',
      '2026年3月15日',
      '¥250.00',
      '¥1,873.40',
      '合计应还',
      '¥8,367.00',
    ])
      expect(flat).toContain(cell);
    expect(text).toMatch(/^1\/2$/m);
    expect(text).toMatch(/^2\/2$/m);
    // No line starts with closing punctuation.
    for (const line of popplerTool('pdftotext', pdf, ['-layout']).split('\n')) {
      expect('，。、：；！？）》」').not.toContain(line.trim()[0] ?? 'x');
    }
  });

  it('is deterministic: the same letter gives the same bytes', async () => {
    const a = await renderLetterPdf(chineseLetter());
    const b = await renderLetterPdf(chineseLetter());
    expect(a.equals(b)).toBe(true);
    const later = await renderLetterPdf({ ...chineseLetter(), createdAt: new Date('2027-01-01') });
    expect(later.equals(a)).toBe(false);
  });

  it('puts the table after the body when the body has no bill block', async () => {
    const letter = { ...englishLetter(), body: 'Dear customer,\n\nThe payments below are unpaid.' };
    const pdf = await renderLetterPdf(letter);
    expect(pageCount(pdf)).toBe(1);
    if (!poppler) return;
    const text = popplerTool('pdftotext', pdf, ['-layout']);
    expect(text.indexOf('The payments below are unpaid.')).toBeLessThan(text.indexOf('Total due'));
  });
});
