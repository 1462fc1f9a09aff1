import * as z from 'zod/mini';
import './english-messages';

/** One page of the lunch fan-out, as dispatch-lunch and issue-lunch-coupons pass it along. */
export const lunchPageMessage = z.object({
  programId: z.string().check(z.minLength(1)),
  zone: z.string().check(z.minLength(1)),
  shard: z.optional(z.int().check(z.gte(0))),
  localDate: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  lunchAt: z.optional(z.iso.datetime()),
  after: z.optional(z.string()),
});
