import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';

/**
 * Runs a conditional write; false when DynamoDB says the condition did not hold. Every caller
 * uses that answer (a second redemption, a duplicate schedule, a late status), so only that one
 * error is turned into a value: anything else still throws.
 */
export async function conditionHeld(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/**
 * The item a failed condition returned (ReturnValuesOnConditionCheckFailure: ALL_OLD), unmarshalled
 * (empty when there was none); undefined for any other error.
 */
export function conditionFailureItem(error: unknown): Record<string, unknown> | undefined {
  if ((error as Error).name !== 'ConditionalCheckFailedException') return undefined;
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  return item ? unmarshall(item) : {};
}
