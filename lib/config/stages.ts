import { CONTEXT_OVERRIDES, parseStageConfig, type StageConfig, type StageConfigInput } from './schema';

/** Twilio's test-credential style placeholder: synth works offline; deploys override it. */
const PLACEHOLDER_ACCOUNT_SID = `AC${'0'.repeat(32)}`;

/**
 * Per-stage settings, checked by lib/config/schema.ts at synth. Values that differ per deploy
 * (account, twilioAccountSid, domain, alarm e-mail) can also be given as `-c field=value`.
 */
export const stages: Record<string, StageConfigInput> = {
  dev: {
    stage: 'dev',
    // account/region unset: the deploying credentials' own (CDK_DEFAULT_ACCOUNT/REGION).
    shortCode: '55155',
    twilioAccountSid: PLACEHOLDER_ACCOUNT_SID,
    logLevel: 'DEBUG',
    logRetentionDays: 14,
    eventArchiveRetentionDays: 7,
    carrierErrorAlarmThreshold: 20,
    // Real phones of the team, never a crowd: a runaway script costs little.
    optInsPerMinute: 30,
    optInsPerDay: 500,
    terminationProtection: false,
  },
  prod: {
    stage: 'prod',
    // Placeholders until devops fills in the production account: a deploy with other credentials is
    // refused by the CDK ("Need to perform AWS calls for account 123456789012"), never misdirected.
    account: '123456789012',
    region: 'us-east-1',
    shortCode: '55155',
    twilioAccountSid: PLACEHOLDER_ACCOUNT_SID,
    logLevel: 'INFO',
    logRetentionDays: 90,
    // Long enough to replay a missed month-end after someone notices it.
    eventArchiveRetentionDays: 30,
    carrierErrorAlarmThreshold: 10,
    // 100 opt-ins a minute send ~200 texts (a welcome and a question each): a few percent of a short
    // code's ~100 segments/s, so a flood of numbers never starves HELP, STOP and campaigns, and costs
    // at most ~200 texts a minute and ~20,000 a day. Far above a billboard's or a till's pace; raise
    // both before a campaign that will draw more (a TV spot, a stadium), not after.
    optInsPerMinute: 100,
    optInsPerDay: 10_000,
    // The short code's provisioned throughput (Twilio's default for a US short code); raise it only
    // after Twilio raised the short code's, or the carrier queues what exceeds it.
    senderMps: 100,
    // Short links in texts work this long after they are sent (the default, stated here on purpose).
    linkTtlDays: 90,
    terminationProtection: true,
  },
};

/** Reads the same way the CDK app's context does: `tryGetContext(key)`. */
export type ContextReader = (key: string) => unknown;

/**
 * The validated config for `-c stage=<name>` (default dev), with `-c field=value` overrides on top
 * and, where a stage leaves account/region open, the deploying credentials' defaults.
 */
export function loadStageConfig(context: ContextReader, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const stage = String(context('stage') ?? 'dev');
  const base = stages[stage];
  if (!base) throw new Error(`Unknown stage "${stage}": expected one of ${Object.keys(stages).join(', ')} (-c stage=...)`);
  const overrides: Record<string, unknown> = {};
  for (const key of CONTEXT_OVERRIDES) {
    const value = context(key);
    if (value !== undefined) overrides[key] = value;
  }
  return parseStageConfig({
    account: env.CDK_DEFAULT_ACCOUNT,
    region: env.CDK_DEFAULT_REGION,
    ...dropUndefined(base),
    ...overrides,
  });
}

function dropUndefined(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined));
}
