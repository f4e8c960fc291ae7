/**
 * The sandbox provider: what the demo and a platform with no gateway configured use. It goes
 * through the same dispatch path (compliance, rendering, hand-over, states) and records each
 * message as accepted, but delivers nothing; the message stays readable in its dispatch.
 */
import type {
  ChannelProvider,
  LookupResult,
  MessageChannel,
  OutboundMessage,
  SendResult,
} from '../../app/dispatch/ports.ts';

export class SandboxProvider implements ChannelProvider {
  readonly name: string;
  private readonly accepted = new Set<string>();

  constructor(readonly channel: MessageChannel) {
    this.name = `sandbox-${channel}`;
  }

  async send(message: OutboundMessage, handOver: () => Promise<void>): Promise<SendResult> {
    await handOver();
    this.accepted.add(message.idempotencyKey);
    return { status: 'sent', providerMessageId: `sandbox:${message.idempotencyKey}` };
  }

  async lookup(key: string): Promise<LookupResult> {
    return this.accepted.has(key) ? { status: 'accepted' } : { status: 'unknown' };
  }

  async close(): Promise<void> {}
}
