import type { DomainEvent } from '../../functions/domain/events';
import type { EventPublisher } from '../../functions/domain/ports';

/**
 * EventBridge has no local stand-in outside the gateway, so adapter-level tests record what would
 * be published; the e2e tests see the real EventBridge client talk to the local gateway.
 */
export class RecordingPublisher implements EventPublisher {
  readonly published: DomainEvent[] = [];

  async publish(events: DomainEvent[]): Promise<void> {
    this.published.push(...events);
  }
}
