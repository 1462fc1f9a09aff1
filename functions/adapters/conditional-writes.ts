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
