import { z } from 'zod';

/** The detail of a POS `PurchaseCompleted` event. */
export const purchaseCompleted = z.object({
  phone: z.string().min(3),
  programId: z.string().min(1).optional(),
  orderId: z.string().min(1).max(100),
  storeId: z.string().optional(),
  total: z.number().nonnegative(),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  items: z.array(z.object({ sku: z.string(), name: z.string(), qty: z.number().int().positive(), price: z.number().nonnegative() })).optional(),
  couponCodes: z.array(z.string().min(1)).max(20).optional(),
  receiptImageUrl: z.url().optional(),
  purchasedAt: z.iso.datetime({ offset: true }).optional(),
});
export type PurchaseCompleted = z.infer<typeof purchaseCompleted>;
