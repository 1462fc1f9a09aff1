import * as z from 'zod/mini';
import './english-messages';

/** The query parameters of the console's JSON API (GET /api/...). Unknown parameters are ignored. */

const LOCAL_DAY = /^\d{4}-\d{2}-\d{2}$/;
const localDay = z.optional(z.string().check(z.regex(LOCAL_DAY, 'must be a date such as 2026-03-14')));
const programId = z.optional(z.string().check(z.regex(/^[a-z0-9-]{1,40}$/, 'must be a program id such as krusty-burger')));

export const noQuery = z.object({});

/** GET /api/report: local days, inclusive, and one program (default: every program). */
export const reportQuery = z.object({ from: localDay, to: localDay, program: programId });

/** GET /api/campaigns: one program's campaigns (default: every program's). */
export const campaignsQuery = z.object({ program: programId });
