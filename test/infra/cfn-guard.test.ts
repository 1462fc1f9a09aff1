/**
 * cfn-guard (the binary @cdklabs/cdk-validator-cfnguard ships) over the synthesized templates, with
 * the rules in test/infra/guard/gateway.guard. A second run on deliberately broken copies proves the
 * rules can fail at all.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Template } from 'aws-cdk-lib/assertions';
import { SYNTH_TIMEOUT, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

const RULES = path.join(__dirname, 'guard', 'gateway.guard');

/** The cfn-guard build for this machine, as the validator package lays them out. */
function guardBinary(): string {
  const packageDir = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
  const os = process.platform === 'darwin' ? 'macos' : 'ubuntu';
  const arch = process.arch === 'arm64' ? 'aarch64' : 'x86_64';
  return path.join(packageDir, 'bin', os, arch, 'cfn-guard');
}

let gateway: Synthesized;
let dir: string;
beforeAll(() => {
  gateway = synthGateway();
  dir = mkdtempSync(path.join(tmpdir(), 'sms-gateway-guard-'));
}, SYNTH_TIMEOUT);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Writes the templates to the tmp dir and runs every rule over each; output names failed rules. */
function guard(templates: Record<string, unknown>): { status: number | null; output: string } {
  const files = Object.entries(templates).map(([name, template]) => {
    const file = path.join(dir, `${name}.template.json`);
    writeFileSync(file, JSON.stringify(template, null, 1));
    return file;
  });
  const args = ['validate', '--rules', RULES, ...files.flatMap((f) => ['--data', f]), '--show-summary', 'fail'];
  const result = spawnSync(guardBinary(), args, { encoding: 'utf8' });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

const json = (template: Template) => structuredClone(template.toJSON()) as { Resources: Record<string, { Type: string; Properties: Record<string, any> }> };
const firstOf = (template: ReturnType<typeof json>, type: string) => Object.values(template.Resources).find((r) => r.Type === type)!;

describe('cfn-guard', () => {
  it('passes both stacks', () => {
    // Act
    const result = guard({ data: gateway.dataTemplate.toJSON(), service: gateway.serviceTemplate.toJSON() });
    // Assess
    expect(result.output).not.toMatch(/FAIL|Parsing error/i);
    expect(result.status).toBe(0);
  });

  it('fails a template that breaks the promises, naming each rule', () => {
    // Prepare: one breach per rule family.
    const data = json(gateway.dataTemplate);
    const service = json(gateway.serviceTemplate);
    delete firstOf(data, 'AWS::DynamoDB::Table').Properties.PointInTimeRecoverySpecification;
    delete firstOf(data, 'AWS::SQS::Queue').Properties.SqsManagedSseEnabled;
    firstOf(service, 'AWS::Lambda::Function').Properties.Environment.Variables.TWILIO_AUTH_TOKEN = 'oops';
    firstOf(service, 'AWS::Lambda::Function').Properties.Architectures = ['x86_64'];
    delete firstOf(service, 'AWS::Events::Rule').Properties.Targets[0].DeadLetterConfig;
    delete firstOf(data, 'AWS::SNS::Topic').Properties.KmsMasterKeyId;
    delete Object.values(data.Resources).find((r) => r.Properties?.RedrivePolicy)!.Properties.RedrivePolicy;
    delete firstOf(service, 'AWS::Logs::LogGroup').Properties.RetentionInDays;
    // Act
    const result = guard({ data, service });
    // Assess
    expect(result.status).not.toBe(0);
    for (const rule of [
      'dynamodb_tables_are_recoverable',
      'sqs_queues_are_encrypted',
      'lambda_environment_holds_no_secrets',
      'lambda_functions_are_traced_arm64_node22',
      'event_targets_have_dlq_and_retry_policy',
      'sns_topics_are_encrypted',
      'sqs_queues_have_a_dead_letter_queue_or_are_one',
      'log_groups_expire',
    ]) {
      expect(result.output).toMatch(new RegExp(`${rule}\\s+FAIL`));
    }
  });
});
