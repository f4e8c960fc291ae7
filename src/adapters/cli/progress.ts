/** A progress line on stderr: rewritten in place on a terminal, one line per step otherwise. */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private last = '';

  update(text: string): void {
    if (this.tty) {
      process.stderr.write(`\r\x1b[2K${text}`);
      this.last = text;
    } else if (text !== this.last) {
      process.stderr.write(`${text}\n`);
      this.last = text;
    }
  }

  done(text?: string): void {
    if (this.tty) process.stderr.write(`\r\x1b[2K${text ?? this.last}\n`);
    else if (text) process.stderr.write(`${text}\n`);
    this.last = '';
  }
}

export function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}`;
}
