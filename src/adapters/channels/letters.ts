/**
 * Letters: a demand letter or notice is rendered to PDF and stored, ready for download and for
 * the print run; "sent" means handed to the print queue. Storing the PDF is the hand-over.
 */
import type {
  ChannelProvider,
  LookupResult,
  OutboundMessage,
  SendResult,
} from '../../app/dispatch/ports.ts';
import type { Database } from '../storage/sql-client.ts';
import { renderLetterPdf } from './letter-pdf.ts';

export interface LetterSettings {
  sender: { name: string; address: string[] };
  /** The document's creation time: the clock, passed in. */
  now: () => Date;
}

export class PdfLetterProvider implements ChannelProvider {
  readonly name = 'pdf-letters';
  readonly channel = 'letter' as const;

  constructor(
    private readonly db: Database,
    private readonly settings: LetterSettings,
  ) {}

  async send(m: OutboundMessage, handOver: () => Promise<void>): Promise<SendResult> {
    const paragraphs = m.bill ? stripBill(m.text) : m.text;
    const doc = {
      language: m.language,
      sender: this.settings.sender,
      recipient: {
        name: m.recipientName ?? '',
        address: m.to.split(/\s*[,\n]\s*/).filter(Boolean),
      },
      date: m.dateText ?? '',
      reference: m.reference ?? '',
      heading: m.subject ?? '',
      body: paragraphs,
      createdAt: this.settings.now(),
      ...(m.bill ? { bill: m.bill } : {}),
    };
    let pdf: Buffer;
    try {
      pdf = await renderLetterPdf(doc);
    } catch (e) {
      return {
        status: 'permanent_failure',
        reason: `the letter could not be rendered: ${(e as Error).message}`,
      };
    }
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page[^s]/g) ?? []).length;
    await handOver();
    const r = await this.db.query<{ id: string | number }>(
      `INSERT INTO letters (dispatch_id, pdf, pages)
       SELECT id, $2, $3 FROM dispatches WHERE idempotency_key = $1
       ON CONFLICT (dispatch_id) DO NOTHING RETURNING dispatch_id AS id`,
      [m.idempotencyKey, pdf, pages],
    );
    return {
      status: 'sent',
      providerMessageId: `letter:${r.rows[0]?.id ?? m.idempotencyKey}`,
      detail: `PDF of ${pages} page(s), ${pdf.length} bytes, queued for printing`,
    };
  }

  async lookup(key: string): Promise<LookupResult> {
    const r = await this.db.query(
      'SELECT 1 FROM letters l JOIN dispatches d ON d.id = l.dispatch_id WHERE d.idempotency_key = $1',
      [key],
    );
    return r.rows.length > 0 ? { status: 'accepted' } : { status: 'not_found' };
  }

  async close(): Promise<void> {}
}

/**
 * The PDF of a letter whose text was kept but not its PDF (the demo's simulated history goes
 * through the sandbox): rendered again from the stored text, with its sending time.
 */
export function renderStoredLetter(
  row: {
    recipient: string | null;
    subject: string | null;
    body: string | null;
    language: string | null;
    name: string;
    account: string;
    sentAt: Date;
    dateText: string;
  },
  sender: { name: string; address: string[] },
): Promise<Buffer> {
  return renderLetterPdf({
    language: row.language ?? 'en',
    sender,
    recipient: {
      name: row.name,
      address: (row.recipient ?? '').split(/\s*[,\n]\s*/).filter(Boolean),
    },
    date: row.dateText,
    reference: row.account,
    heading: row.subject ?? '',
    body: row.body ?? '',
    createdAt: row.sentAt,
  });
}

/** The text form of the bill is replaced by the table in the PDF. */
function stripBill(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^(#\d+ due |第\d+期 |Total due:|合计应还：)/.test(l))
    .join('\n');
}
