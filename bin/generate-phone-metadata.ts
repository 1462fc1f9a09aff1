#!/usr/bin/env node
/**
 * Writes functions/domain/phone-metadata.json: libphonenumber-js's own "min" metadata (the smallest it
 * ships, every country) without the formatting rules, 60% of it (≈50 KB of every bundle that reads a
 * phone number). Parsing, isPossible() and placing a number in its country never read them; only
 * formatting does, and the gateway keeps numbers in E.164. `npx tsx bin/generate-phone-metadata.ts`
 * after upgrading libphonenumber-js; test/unit/phone-metadata.test.ts fails until then.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withoutFormats } from '../functions/domain/phone-metadata';

const target = join(__dirname, '..', 'functions', 'domain', 'phone-metadata.json');
const metadata = withoutFormats(require('libphonenumber-js/metadata.min.json'));
writeFileSync(target, `${JSON.stringify(metadata)}\n`);
console.log(`wrote ${target}: ${Object.keys(metadata.countries).length} countries`);
