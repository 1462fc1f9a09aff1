import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { OutboundMessage } from '../domain/audience';
import type { DomainEvent } from '../domain/events';
import { CarrierFailure, type Carrier, type CarrierRecord, type EventPublisher, type SendOptions, type SentMessage } from '../domain/ports';
import type { Limit } from '../domain/limits';
import { CARRIER_ERRORS_METRIC, CARRIER_ERROR_DIMENSION, funnelMetric, LIMITED_TEXTS_METRIC, LIMIT_DIMENSION, MESSAGES_SENT_METRIC, UNCERTAIN_SENDS_METRIC, UNCERTAIN_SEND_DIMENSION } from '../shared/metric-names';
import { metrics } from '../shared/metrics';

/** Every domain event also counts on the funnel dashboard: one place, so the two never disagree. */
export class MeteredPublisher implements EventPublisher {
  constructor(private readonly inner: EventPublisher) {}

  async publish(events: DomainEvent[]): Promise<void> {
    await this.inner.publish(events);
    for (const event of events) {
      const metric = funnelMetric(event.type);
      if (metric) metrics.addMetric(metric, MetricUnit.Count, 1);
    }
  }
}

/** An inbound text a limit turned away, by limit (what the opt-in ceiling alarm and the dashboard read). */
export function countLimitedText(limit: Limit): void {
  const single = metrics.singleMetric();
  single.addDimension(LIMIT_DIMENSION, limit);
  single.addMetric(LIMITED_TEXTS_METRIC, MetricUnit.Count, 1);
}

/** Messages sent, and carrier failures by the carrier's own code (what the carrier alarm watches). */
export class MeteredCarrier implements Carrier {
  constructor(private readonly inner: Carrier) {}

  async send(message: OutboundMessage, options?: SendOptions): Promise<SentMessage> {
    try {
      const sent = await this.inner.send(message, options);
      metrics.addMetric(MESSAGES_SENT_METRIC, MetricUnit.Count, 1);
      return sent;
    } catch (error) {
      if (error instanceof CarrierFailure) countCarrierError(error.code);
      throw error;
    }
  }

  recent(message: OutboundMessage): Promise<CarrierRecord[]> {
    return this.inner.recent(message);
  }
}

function countCarrierError(code: string): void {
  const single = metrics.singleMetric();
  single.addDimension(CARRIER_ERROR_DIMENSION, code);
  single.addMetric(CARRIER_ERRORS_METRIC, MetricUnit.Count, 1);
}

/** Attempts that ended in doubt, by how the next attempt resolved them (found at the carrier, or sent again). */
export function countUncertainSend(resolution: 'found' | 'not-found'): void {
  const single = metrics.singleMetric();
  single.addDimension(UNCERTAIN_SEND_DIMENSION, resolution);
  single.addMetric(UNCERTAIN_SENDS_METRIC, MetricUnit.Count, 1);
}
