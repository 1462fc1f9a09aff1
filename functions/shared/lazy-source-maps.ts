/**
 * Stack traces of a bundled function, mapped to the TypeScript sources, with the source map read
 * only when a stack trace is: on the first error whose stack someone reads, not on every cold start.
 *
 * Why not Node's own support: `--enable-source-maps` (NODE_OPTIONS) reads and parses the bundle's
 * whole .map while the bundle is loaded, error or not, which every cold start pays; and turning it on
 * later with `process.setSourceMapsEnabled(true)` maps only modules loaded after the call (so in
 * Lambda, never the bundle, which is loaded first): Node 20 and 22 alike. So esbuild injects this
 * module into every function bundle (lib/constructs/lambda-bundling.ts), where it installs an
 * Error.prepareStackTrace that maps the frames inside the bundle through node:module's SourceMap,
 * loaded on first use. Outside a bundle (tests, the local runtime) there is no .map beside this file
 * and nothing is installed; nor when Node already maps stack traces itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';

/** The esbuild bundle this module was injected into (index.js); its map is index.js.map. */
const bundleFile = __filename;
const mapFile = `${bundleFile}.map`;

/**
 * A source as the map names it, relative to the build's output directory, without the leading ../:
 * the repository path when synth's output is inside the repository (cdk.out), as in a deploy.
 */
function readable(source: string): string {
  const path = source.replace(/^(\.\.\/)+/, '');
  const dependency = path.lastIndexOf('node_modules/');
  return dependency >= 0 ? path.slice(dependency) : path;
}

let map: SourceMap | null | undefined;
function sourceMap(): SourceMap | null {
  if (map === undefined) {
    try {
      map = new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')));
    } catch {
      map = null; // unreadable: frames stay as they are
    }
  }
  return map;
}

type Entry = { originalSource?: string; originalLine?: number; originalColumn?: number; name?: string };

/** The original position of a frame inside the bundle (findEntry is zero-based, frames one-based). */
function original(frame: NodeJS.CallSite): Entry | undefined {
  if (frame.getFileName() !== bundleFile) return undefined;
  const line = frame.getLineNumber();
  const column = frame.getColumnNumber();
  if (line === null || column === null) return undefined;
  const entry = sourceMap()?.findEntry(line - 1, column - 1) as Entry | undefined;
  return entry?.originalSource === undefined ? undefined : entry;
}

/** A frame inside the bundle as Node formats it with --enable-source-maps; any other frame as V8 does. */
function formatFrame(frame: NodeJS.CallSite, caller: NodeJS.CallSite | undefined): string {
  const entry = original(frame);
  if (!entry) return `    at ${String(frame)}`;
  const location = `${readable(entry.originalSource!)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  const type = frame.getTypeName();
  const minified = `${type !== null && type !== 'global' ? `${type}.` : ''}${frame.getFunctionName() ?? frame.getMethodName() ?? '<anonymous>'}`;
  // As Node does: the caller's call site names the function by its original (unminified) name.
  const name = (caller && original(caller)?.name) || minified;
  return `    at ${frame.isAsync() ? 'async ' : ''}${frame.isConstructor() ? 'new ' : ''}${name} (${location})`;
}

function header(error: unknown): string {
  try {
    return Error.prototype.toString.call(error);
  } catch {
    return '<error>';
  }
}

if (existsSync(mapFile) && !process.sourceMapsEnabled) {
  Error.prepareStackTrace = (error, frames) => [header(error), ...frames.map((frame, i) => formatFrame(frame, frames[i + 1]))].join('\n');
}
