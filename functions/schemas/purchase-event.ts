import * as z from 'zod/mini';
import './english-messages';

/** The detail of a POS `PurchaseCompleted` event. */
export const purchaseCompleted = z.object({
  phone: z.string().check(z.minLength(3)),
  programId: z.optional(z.string().check(z.minLength(1))),
  orderId: z.string().check(z.minLength(1), z.maxLength(100)),
  storeId: z.optional(z.string()),
  total: z.number().check(z.nonnegative()),
  currency: z.string().check(z.regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')),
  items: z.optional(z.array(z.object({ sku: z.string(), name: z.string(), qty: z.int().check(z.positive()), price: z.number().check(z.nonnegative()) }))),
  couponCodes: z.optional(z.array(z.string().check(z.minLength(1))).check(z.maxLength(20))),
  receiptImageUrl: z.optional(z.url()),
  purchasedAt: z.optional(z.iso.datetime({ offset: true })),
});
export type PurchaseCompleted = z.infer<typeof purchaseCompleted>;
