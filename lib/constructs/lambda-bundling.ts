/**
 * What every function bundle gets beyond esbuild's defaults, shared by the construct (NodejsFunction)
 * and `npm run bench` (bench/bundle.ts), so the bench measures what is deployed. Paths are relative
 * to the repository root, where the CDK runs esbuild.
 */

/**
 * Packages bundled as a stub that throws: the twilio client requires them, the gateway never calls
 * them (see the stub for why). Together about 200 KB of send-sms.
 */
export const BUNDLE_ALIASES: Readonly<Record<string, string>> = {
  'form-data': './functions/adapters/twilio-unused-dependency.ts',
  jsonwebtoken: './functions/adapters/twilio-unused-dependency.ts',
};

/**
 * Injected first into every bundle: maps stack traces through the bundle's source map, read on the
 * first stack trace instead of at every cold start (which is what NODE_OPTIONS=--enable-source-maps does).
 */
export const BUNDLE_INJECT: readonly string[] = ['./functions/shared/lazy-source-maps.ts'];

/** The .map keeps names and positions, not the sources themselves: stack traces need no more. */
export const BUNDLE_SOURCES_CONTENT = false;

/**
 * Shell commands (run after esbuild, on the machine that synthesizes) that put the console's files
 * beside a console function's bundle: console/ and chart.js's browser build, which the handler finds
 * relative to its own directory.
 */
export function consoleAssetCommands(inputDir: string, outputDir: string): string[] {
  return [
    `mkdir -p "${outputDir}/console"`,
    `cp "${inputDir}"/console/*.* "${outputDir}/console/"`,
    `cp "${inputDir}/node_modules/chart.js/dist/chart.umd.js" "${outputDir}/console/chart.umd.js"`,
  ];
}
