/**
 * The live monitoring feed: one poller per server, running only while someone listens. Every
 * few seconds it reads the store's change marker (a few index lookups); when it moved it
 * evaluates the alert rules, recomputes the summary and sends it, with an `alert` event for
 * each alert stored since the last look (fired here, or by a cycle in another process).
 */
import {
  evaluateAlerts,
  summary,
  type MonitoringDeps,
  type Summary,
} from '../../app/monitoring/monitoring.ts';
import type { StoredAlert } from '../../app/monitoring/ports.ts';

export type LiveEvent = { type: 'summary'; data: Summary } | { type: 'alert'; data: StoredAlert };

type Listener = (e: LiveEvent) => void;

export class LiveMonitor {
  private readonly listeners = new Set<Listener>();
  private timer: ReturnType<typeof setTimeout> | null = null;
  private marker: string | null = null;
  private lastAlert = -1;
  private running: Promise<void> | null = null;

  constructor(
    private readonly deps: MonitoringDeps,
    private readonly intervalMs: number,
    private readonly onError: (e: unknown) => void,
  ) {}

  /** Adds a listener and sends it the summary at once; returns the unsubscribe. */
  async subscribe(listener: Listener): Promise<() => void> {
    if (this.lastAlert < 0) {
      const [latest] = await this.deps.monitoring.alerts({ limit: 1 });
      this.lastAlert = latest?.id ?? 0;
    }
    // the marker before the summary: a change after it is sent at the next look
    if (this.listeners.size === 0) this.marker = await this.deps.monitoring.marker();
    this.listeners.add(listener);
    listener({ type: 'summary', data: await summary(this.deps) });
    this.schedule();
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0) this.stop();
    };
  }

  get listening(): number {
    return this.listeners.size;
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.marker = null;
  }

  private schedule(): void {
    if (this.timer || this.listeners.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.tick()
        .catch(this.onError)
        .finally(() => {
          this.running = null;
          this.schedule();
        });
    }, this.intervalMs);
  }

  /** Waits for a look under way (the server's close). */
  async settled(): Promise<void> {
    await this.running;
  }

  private async tick(): Promise<void> {
    const marker = await this.deps.monitoring.marker();
    if (marker === this.marker) return;
    this.marker = marker;
    await evaluateAlerts(this.deps);
    const fresh = await this.deps.monitoring.alerts({ afterId: this.lastAlert, limit: 100 });
    const data = await summary(this.deps);
    for (const l of this.listeners) l({ type: 'summary', data });
    for (const a of [...fresh].reverse()) {
      this.lastAlert = Math.max(this.lastAlert, a.id);
      for (const l of this.listeners) l({ type: 'alert', data: a });
    }
  }
}
