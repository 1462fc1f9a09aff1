import { randomBytes } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DynamoConversationStore } from '../../functions/adapters/dynamo-conversation-store';
import { validateCatalog } from '../../functions/domain/catalog';
import { referralCode } from '../../functions/domain/codes';
import { converse } from '../../functions/domain/conversation';

const catalog = validateCatalog(require('../../catalog/demo.json')).catalog;
let counter = 0;

/**
 * A subscriber's referral code, given out where a subscriber first sees it: the share text of a happy
 * answer to the purchase survey. The answer is committed through the real conversation store (its
 * code item included), as if the survey had been asked; the subscriber's replies are not sent.
 */
export async function codeShownTo(db: DynamoDBDocumentClient, audienceTable: string, phone: string, shortCode = '55155'): Promise<string> {
  const store = new DynamoConversationStore(db, audienceTable);
  const conversation = await store.load(phone);
  const at = new Date().toISOString();
  const asked = { ...conversation, subscriptions: conversation.subscriptions.map((s) => ({ ...s, pendingSurvey: { orderId: 'shown-code', askedAt: at } })) };
  counter += 1;
  const text = { messageSid: `SMcode${process.pid}x${counter}x${randomBytes(8).toString('hex')}`, from: phone, to: shortCode, body: '5', receivedAt: at };
  const outcome = converse(text, asked, catalog, { newReferralCode: referralCode(new Uint8Array(randomBytes(6))) });
  await store.commit(text, outcome);
  const code = outcome.subscriptions[0]?.referralCode;
  if (!code) throw new Error('no referral code was given out: is the number subscribed?');
  return code;
}
