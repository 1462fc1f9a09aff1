// Node 20 here on purpose (Lambda runs nodejs22.x): keep the AWS SDK's upgrade notice out of test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
// Metrics code runs in tests; their EMF output is for CloudWatch, not for the test log.
process.env.POWERTOOLS_METRICS_DISABLED = 'true';

/** One jest run for the whole suite; projects keep each layer's settings apart. */
const transform = { '^.+\\.[tj]sx?$': ['ts-jest', { tsconfig: 'tsconfig.json' }] };
const common = {
  transform,
  transformIgnorePatterns: ['/node_modules/(?!@middy/)'],
  testEnvironment: 'node',
};
module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    { ...common, displayName: 'e2e', testMatch: ['<rootDir>/test/e2e/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    // The console in headless Chromium (playwright-core, /usr/bin/chromium or CHROMIUM_PATH) against a local gateway.
    { ...common, displayName: 'browser', testMatch: ['<rootDir>/test/browser/**/*.test.ts'] },
  ],
};
