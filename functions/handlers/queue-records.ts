import type { SQSRecord } from 'aws-lambda';
import type { z } from 'zod/mini';
import { logger } from '../shared/logger';

/**
 * A queue record's body, validated. A malformed one is logged and dropped (undefined): retrying
 * cannot fix it, and looping it to the dead-letter queue would only delay its neighbours.
 */
export function parseQueueRecord<T>(record: SQSRecord, schema: z.ZodMiniType<T>): T | undefined {
  let json: unknown;
  try {
    json = JSON.parse(record.body);
  } catch {
    json = undefined;
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  logger.error('Dropped malformed queue message', { messageId: record.messageId, problems: parsed.error.issues });
  return undefined;
}
