/** Per-stage configuration: what synth accepts, and that it names the field when it does not. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parseStageConfig, type StageConfigInput } from '../../lib/config/schema';
import { loadStageConfig, stages } from '../../lib/config/stages';

const repoRoot = path.join(__dirname, '..', '..');
const noEnv = {} as NodeJS.ProcessEnv;
const contextOf = (values: Record<string, unknown>) => (key: string) => values[key];
const valid: StageConfigInput = { ...stages.prod };

describe('stage configs', () => {
  it('loads dev with no input at all (account and region from the credentials, if any)', () => {
    // Act
    const config = loadStageConfig(contextOf({}), noEnv);
    // Assess
    expect(config).toMatchObject({ stage: 'dev', account: undefined, region: undefined, shortCode: '55155' });
  });

  it('takes dev account and region from CDK_DEFAULT_*; prod keeps its pinned ones', () => {
    // Prepare
    const env = { CDK_DEFAULT_ACCOUNT: '222222222222', CDK_DEFAULT_REGION: 'eu-west-1' } as NodeJS.ProcessEnv;
    // Act
    const dev = loadStageConfig(contextOf({}), env);
    const prod = loadStageConfig(contextOf({ stage: 'prod' }), env);
    // Assess
    expect(dev).toMatchObject({ account: '222222222222', region: 'eu-west-1' });
    expect(prod).toMatchObject({ account: stages.prod.account, region: stages.prod.region, terminationProtection: true, logLevel: 'INFO' });
  });

  it('lets -c field=value override a stage', () => {
    // Prepare
    const sid = `AC${'c3'.repeat(16)}`;
    // Act
    const config = loadStageConfig(contextOf({ stage: 'prod', twilioAccountSid: sid, alarmEmail: 'ops@example.com' }), noEnv);
    // Assess
    expect(config).toMatchObject({ twilioAccountSid: sid, alarmEmail: 'ops@example.com' });
  });

  it('refuses an unknown stage, naming the known ones', () => {
    expect(() => loadStageConfig(contextOf({ stage: 'staging' }), noEnv)).toThrow(/Unknown stage "staging": expected one of dev, prod/);
  });
});

describe('validation names the field', () => {
  const cases: [string, Partial<StageConfigInput>, RegExp][] = [
    ['account', { account: '12345' }, /account: must be a 12-digit AWS account id/],
    ['region', { region: 'mars-1' }, /region: must be an AWS region/],
    ['shortCode', { shortCode: '5515' }, /shortCode: must be a 5–6 digit short code or an E\.164 number/],
    ['twilioAccountSid', { twilioAccountSid: 'AC123' }, /twilioAccountSid: must be "AC" followed by 32 lower-case hex digits/],
    ['twilioAccountSid (upper-case hex)', { twilioAccountSid: `AC${'A'.repeat(32)}` }, /twilioAccountSid:/],
    ['messagingServiceSid', { messagingServiceSid: `AC${'0'.repeat(32)}` }, /messagingServiceSid: must be "MG" followed by 32/],
    ['certificateArn without domainName', { certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012' }, /domainName: domainName and certificateArn go together/],
    ['domainName without certificateArn', { domainName: 'sms.example.com' }, /certificateArn: domainName and certificateArn go together/],
    ['certificateArn in another region', { domainName: 'sms.example.com', certificateArn: 'arn:aws:acm:eu-west-1:111111111111:certificate/12345678-1234-1234-1234-123456789012' }, /certificateArn: must be in the stack's region us-east-1, not eu-west-1/],
    ['domainName', { domainName: 'not a host', certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012' }, /domainName: must be a lower-case host name/],
    ['alarmEmail', { alarmEmail: 'on-call' }, /alarmEmail: must be an e-mail address/],
    ['logRetentionDays', { logRetentionDays: 10 }, /logRetentionDays: must be one of 1, 3, 5/],
    ['prod without account', { account: undefined }, /account: is required for prod/],
    ['prod without termination protection', { terminationProtection: false }, /terminationProtection: must be true for prod/],
    ['optInsPerMinute (0 would refuse everyone)', { optInsPerMinute: 0 }, /optInsPerMinute: /],
    ['optInsPerDay (not a whole number)', { optInsPerDay: 10.5 }, /optInsPerDay: /],
    ['optInsPerDay below optInsPerMinute', { optInsPerMinute: 300, optInsPerDay: 100 }, /optInsPerDay: must be at least optInsPerMinute/],
    ['linkBase (plain http)', { linkBase: 'http://go.example.com/l' }, /linkBase: must be an https URL/],
    ['linkBase (trailing slash)', { linkBase: 'https://go.example.com/l/' }, /linkBase: must be an https URL without a trailing slash/],
    ['linkTtlDays (0 would expire links at once)', { linkTtlDays: 0 }, /linkTtlDays: /],
    ['unknown field', { shortcode: '55155' } as Partial<StageConfigInput>, /shortcode/],
  ];

  it.each(cases)('%s', (_name, change, message) => {
    // Act + Assess
    expect(() => parseStageConfig({ ...valid, ...change })).toThrow(message);
  });

  it('lists every bad field at once, under the stage name', () => {
    expect(() => parseStageConfig({ ...valid, shortCode: 'x', twilioAccountSid: 'y' })).toThrow(
      /Invalid configuration for stage "prod":\n {2}- shortCode: .*\n {2}- twilioAccountSid: /,
    );
  });

  it('accepts every stage as shipped', () => {
    for (const stage of Object.values(stages)) expect(() => parseStageConfig(stage)).not.toThrow();
  });
});

describe('bin/app.ts (what `cdk synth` runs)', () => {
  const SYNTH_TIMEOUT = 180_000;
  let outdir: string;
  beforeEach(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-gateway-synth-'));
  });
  afterEach(() => rmSync(outdir, { recursive: true, force: true }));

  /** Runs the app as the CDK CLI does: context in CDK_CONTEXT_JSON, output in CDK_OUTDIR. */
  const runApp = (context: Record<string, string>) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: outdir };
    delete env.CDK_DEFAULT_ACCOUNT;
    delete env.CDK_DEFAULT_REGION;
    return spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], { cwd: repoRoot, env, encoding: 'utf8', timeout: SYNTH_TIMEOUT });
  };

  it('fails synth on an invalid value, naming the field', () => {
    // Act
    const result = runApp({ stage: 'prod', twilioAccountSid: 'AC-not-a-sid' });
    // Assess
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/Invalid configuration for stage "prod":\n\s+- twilioAccountSid: must be "AC" followed by 32 lower-case hex digits/);
  }, SYNTH_TIMEOUT);

  it.each([['dev', {}], ['prod', { stage: 'prod' }]] as const)('synthesizes %s (bundling, cdk-nag and all)', (stage, context) => {
    // Act
    const result = runApp(context);
    // Assess
    expect(result.status).toBe(0);
    expect(spawnSync('ls', [outdir], { encoding: 'utf8' }).stdout).toContain(`SmsGatewayService-${stage}.template.json`);
  }, SYNTH_TIMEOUT);
});
