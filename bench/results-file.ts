import { join } from 'node:path';

/** Where `npm run bench` writes what it measured, and `npm run costs` reads it (not committed). */
export const RESULTS_FILE = join(__dirname, '..', '.bench', 'results.json');
