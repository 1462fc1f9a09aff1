import * as z from 'zod/mini';
import { isLinkId } from '../domain/short-links';

/** The path parameters of GET /l/{id}: an id shaped like a link id, or nothing is looked up. */
export const linkPath = z.object({
  id: z.string().check(z.refine(isLinkId, 'not a link id')),
});
