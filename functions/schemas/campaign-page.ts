import * as z from 'zod/mini';
import './english-messages';

/** One page of a campaign's fan-out, as dispatch-campaigns and send-campaign-pages pass it along. */
export const campaignPageMessage = z.object({
  programId: z.string().check(z.minLength(1)),
  campaignId: z.string().check(z.minLength(1)),
  zone: z.string().check(z.minLength(1)),
  shard: z.optional(z.int().check(z.gte(0))),
  sendOn: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  after: z.optional(z.string()),
});
