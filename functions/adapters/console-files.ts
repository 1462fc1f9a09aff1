import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** What the console serves, by extension: anything else is not a console file. */
const CONTENT_TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json; charset=utf-8',
} as const;

/** A file name of console/: one path segment, letters, digits, dots, dashes, and an allowed extension. */
const FILE_NAME = /^[a-z0-9][a-z0-9_-]*(?:\.[a-z0-9_-]+)*\.(js|css|svg|png|json)$/i;

export interface ConsoleFile {
  contentType: string;
  body: Buffer;
}

/**
 * Where the console's files are: next to the bundle in Lambda (copied there after bundling), else
 * console/ at the repository root (the local gateway runs the handlers from source).
 */
function consoleDirs(): string[] {
  return [join(__dirname, 'console'), resolve(__dirname, '..', '..', 'console')];
}

/** chart.js's browser build: copied into the bundle's console/ in Lambda, from node_modules locally. */
const CHART_FILE = 'chart.umd.js';
function chartCandidates(): string[] {
  return [join(__dirname, 'console', CHART_FILE), resolve(__dirname, '..', '..', 'node_modules', 'chart.js', 'dist', CHART_FILE)];
}

function firstReadable(paths: string[]): Buffer | undefined {
  for (const path of paths) {
    try {
      return readFileSync(path);
    } catch {
      // Not there: the next place.
    }
  }
  return undefined;
}

/** True for a name the console may serve (the handler answers 404 for the rest without touching the disk). */
export function isConsoleFileName(name: string): boolean {
  return FILE_NAME.test(name) && !name.includes('..');
}

/** A file of the console by name (`index.html` or an allowed asset), or undefined when there is none. */
export function readConsoleFile(name: string): ConsoleFile | undefined {
  if (name !== 'index.html' && !isConsoleFileName(name)) return undefined;
  const extension = name.slice(name.lastIndexOf('.')) as keyof typeof CONTENT_TYPES;
  const body = name === CHART_FILE ? firstReadable(chartCandidates()) : firstReadable(consoleDirs().map((dir) => join(dir, name)));
  return body ? { contentType: CONTENT_TYPES[extension], body } : undefined;
}
