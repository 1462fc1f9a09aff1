import { z } from 'zod';

/** One page of the lunch fan-out, as dispatch-lunch and issue-lunch-coupons pass it along. */
export const lunchPageMessage = z.object({
  programId: z.string().min(1),
  zone: z.string().min(1),
  shard: z.number().int().min(0).optional(),
  localDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  lunchAt: z.iso.datetime().optional(),
  after: z.string().optional(),
});
