import { build, type BuildOptions } from 'esbuild';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { BUNDLE_ALIASES, BUNDLE_INJECT, BUNDLE_SOURCES_CONTENT } from '../lib/constructs/lambda-bundling';

export const REPO_ROOT = resolve(__dirname, '..');

/**
 * What lib/constructs/gateway-function.ts makes NodejsFunction pass to esbuild for nodejs22.x:
 * --bundle --platform=node --target=node22 --format=cjs --minify --sourcemap --sources-content=false,
 * the aliases and the injected module of lib/constructs/lambda-bundling.ts, and the default externals
 * `@aws-sdk/*` (the runtime ships SDK v3; the smithy-exclusion feature flag is not set in cdk.json).
 * Change them together with the construct, or the figures stop describing the deploy.
 */
export const CDK_ESBUILD_OPTIONS: BuildOptions = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  minify: true,
  sourcemap: true,
  sourcesContent: BUNDLE_SOURCES_CONTENT,
  alias: { ...BUNDLE_ALIASES },
  inject: [...BUNDLE_INJECT],
  external: ['@aws-sdk/*'],
  logLevel: 'warning',
};

/** The smallest possible function: everything above it is our code and our dependencies. */
export const EMPTY_HANDLER_SOURCE = 'export const handler = async () => ({});\n';

export interface Bundle {
  /** index.js in the output directory; index.js.map beside it, as in the CDK asset. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

/** Bundles one entry into outDir/index.js, the asset layout NodejsFunction produces. */
export async function bundleEntry(entry: string, outDir: string): Promise<Bundle> {
  const file = join(outDir, 'index.js');
  await build({ ...CDK_ESBUILD_OPTIONS, entryPoints: [entry], outfile: file, absWorkingDir: REPO_ROOT });
  // Size of the code Lambda loads; the .map only matters when a stack trace is mapped.
  const code = readFileSync(file);
  return { file, bytes: code.length, gzipBytes: gzipSync(code).length };
}

/** The empty-handler baseline, bundled from a file in `dir` with the very same options. */
export async function bundleEmptyHandler(dir: string): Promise<Bundle> {
  const entry = join(dir, 'empty-handler.ts');
  writeFileSync(entry, EMPTY_HANDLER_SOURCE);
  return bundleEntry(entry, join(dir, 'empty-handler'));
}
