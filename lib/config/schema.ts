import { z } from 'zod';
import { DEFAULT_LINK_TTL_DAYS } from '../../functions/domain/short-links';
import { DEFAULT_SENDER_MPS } from '../../functions/shared/sender-pace';

/** What CloudWatch Logs accepts as a retention (days); anything else fails the deploy, so fail synth. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

const hex32 = '[0-9a-f]{32}';

/**
 * One stage's settings, checked at synth time: a typo must fail `cdk synth` with the field's name,
 * not a deploy half an hour later (or worse, deploy and send nothing).
 */
export const stageConfigSchema = z
  .strictObject({
    stage: z.string().regex(/^[a-z][a-z0-9-]{0,19}$/, 'must be lower-case letters, digits and dashes (at most 20)'),
    /** Unset: the account of the credentials at deploy time (dev only; prod pins it). */
    account: z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id').optional(),
    region: z
      .string()
      .regex(/^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1')
      .optional(),
    /** The short code (or long number in E.164) Twilio delivers to; labels outputs and resources. */
    shortCode: z.string().regex(/^(\d{5,6}|\+[1-9]\d{6,14})$/, 'must be a 5–6 digit short code or an E.164 number'),
    /** An identifier, not a credential: the auth token lives in Secrets Manager. */
    twilioAccountSid: z.string().regex(new RegExp(`^AC${hex32}$`), 'must be "AC" followed by 32 lower-case hex digits'),
    messagingServiceSid: z
      .string()
      .regex(new RegExp(`^MG${hex32}$`), 'must be "MG" followed by 32 lower-case hex digits')
      .optional(),
    /** Custom domain for the webhooks; needs certificateArn (an ACM certificate in the stack's region). */
    domainName: z
      .string()
      .regex(/^(?=.{4,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lower-case host name such as sms.example.com')
      .optional(),
    certificateArn: z
      .string()
      .regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]{36}$/, 'must be an ACM certificate ARN')
      .optional(),
    alarmEmail: z.email('must be an e-mail address').optional(),
    logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
    logRetentionDays: z
      .number()
      .refine((days) => LOG_RETENTION_DAYS.includes(days), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
    /** How long the bus archive keeps events for replay; 0 keeps them forever. */
    eventArchiveRetentionDays: z.number().int().min(0),
    /** Carrier refusals (CarrierErrors, all codes) in 5 minutes above which someone is paged. */
    carrierErrorAlarmThreshold: z.number().int().min(0),
    /**
     * The short code's opt-in ceiling: new subscriptions per UTC minute and per UTC day, across all
     * programs on it. Beyond it a keyword from a new number gets no subscription and no reply (and
     * the opt-in-ceiling alarm fires), so a flood of numbers cannot make the gateway text them all.
     */
    optInsPerMinute: z.number().int().min(1),
    optInsPerDay: z.number().int().min(1),
    /**
     * Segments per second the carrier takes from each sending number (a US short code: 100 unless
     * Twilio provisioned more). send-sms never hands over more; its concurrency follows from it.
     */
    senderMps: z.number().int().min(1).max(10_000).default(DEFAULT_SENDER_MPS),
    /**
     * Where short links point: `{linkBase}/{id}` must reach this stage's GET /l/{id} (a short custom
     * domain mapped to the HTTP API, e.g. https://go.example.com/l). Unset: the API's own URL + /l.
     */
    linkBase: z
      .string()
      .regex(/^https:\/\/[a-z0-9.-]+(:\d+)?(\/[A-Za-z0-9._~-]+)*$/, 'must be an https URL without a trailing slash, query or fragment, such as https://go.example.com/l')
      .optional(),
    /** Days a short link works (and its record is kept, then deleted by TTL). */
    linkTtlDays: z.number().int().min(1).max(3650).default(DEFAULT_LINK_TTL_DAYS),
    terminationProtection: z.boolean(),
  })
  .superRefine((config, ctx) => {
    if (config.optInsPerDay < config.optInsPerMinute) {
      ctx.addIssue({ code: 'custom', path: ['optInsPerDay'], message: 'must be at least optInsPerMinute' });
    }
    if (Boolean(config.domainName) !== Boolean(config.certificateArn)) {
      const missing = config.domainName ? 'certificateArn' : 'domainName';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'domainName and certificateArn go together: set both or neither' });
    }
    const certRegion = config.certificateArn?.split(':')[3];
    if (certRegion && config.region && certRegion !== config.region) {
      // A regional HTTP API custom domain only accepts a certificate from its own region.
      ctx.addIssue({ code: 'custom', path: ['certificateArn'], message: `must be in the stack's region ${config.region}, not ${certRegion}` });
    }
    if (config.stage === 'prod') {
      // Production never deploys to "whatever account the shell happens to have credentials for".
      for (const field of ['account', 'region'] as const) {
        if (!config[field]) ctx.addIssue({ code: 'custom', path: [field], message: 'is required for prod' });
      }
      if (!config.terminationProtection) {
        ctx.addIssue({ code: 'custom', path: ['terminationProtection'], message: 'must be true for prod' });
      }
    }
  });

export type StageConfig = z.infer<typeof stageConfigSchema>;
export type StageConfigInput = z.input<typeof stageConfigSchema>;

/** Fields devops may override per deploy with `-c field=value` (strings only: context values are). */
export const CONTEXT_OVERRIDES = [
  'account',
  'region',
  'shortCode',
  'twilioAccountSid',
  'messagingServiceSid',
  'domainName',
  'certificateArn',
  'alarmEmail',
  'linkBase',
] as const satisfies readonly (keyof StageConfig)[];

/** Parses a stage config or throws one error listing every bad field by name. */
export function parseStageConfig(raw: unknown): StageConfig {
  const result = stageConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const stage = typeof raw === 'object' && raw && 'stage' in raw ? String(raw.stage) : '?';
  const problems = result.error.issues.map((issue) => {
    const field = issue.path.join('.') || '(config)';
    return `  - ${field}: ${issue.message}`;
  });
  throw new Error(`Invalid configuration for stage "${stage}":\n${problems.join('\n')}`);
}
