/**
 * Group commit: items asked for within a few milliseconds (or up to `max` of them) are written
 * by one call, and each caller gets its own item's answer once that call is done.
 */
export class GroupCommit<T, R> {
  private pending: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    /** Writes a batch; answers in the order of the items. */
    private readonly write: (items: T[]) => Promise<R[]>,
    private readonly waitMs: number,
    private readonly max = Infinity,
  ) {}

  add(item: T): Promise<R> {
    return new Promise((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      if (this.pending.length >= this.max) void this.flush();
      else this.timer ??= setTimeout(() => void this.flush(), this.waitMs);
    });
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      const answers = await this.write(batch.map((b) => b.item));
      batch.forEach((b, i) => b.resolve(answers[i]!));
    } catch (e) {
      for (const b of batch) b.reject(e);
    }
  }
}
