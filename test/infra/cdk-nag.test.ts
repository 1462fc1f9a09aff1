/** cdk-nag's AwsSolutions pack: no unacknowledged error, and no acknowledgement without a reason. */
import { Validations, type App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { SYNTH_TIMEOUT, synthGateway, type Synthesized } from './gateway-fixture';

jest.setTimeout(SYNTH_TIMEOUT);

let plain: Synthesized;
let withOptions: Synthesized;
beforeAll(() => {
  plain = synthGateway({}, { bundle: false });
  // The optional parts (custom domain, messaging service) bring their own resources to check.
  withOptions = synthGateway(
    {
      domainName: 'sms.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:111111111111:certificate/12345678-1234-1234-1234-123456789012',
      messagingServiceSid: `MG${'0'.repeat(32)}`,
    },
    { bundle: false },
  );
}, SYNTH_TIMEOUT);

/** Every acknowledgement in the tree: rule id → reason. */
function acknowledgements(app: App): Map<string, string> {
  const found = new Map<string, string>();
  const visit = (construct: IConstruct) => {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) found.set(id.replace(/^annotation::/i, ''), reason);
    }
    construct.node.children.forEach(visit);
  };
  visit(app);
  return found;
}

describe('cdk-nag (AwsSolutions)', () => {
  it.each([
    ['the default config', () => plain],
    ['a custom domain and a messaging service', () => withOptions],
  ])('reports no unacknowledged errors with %s', (_name, gateway) => {
    // Act: the same pack bin/app.ts registers, run over the already-synthesized tree.
    const report = new AwsSolutionsChecks().validateScope(gateway().app);
    // Assess
    const errors = report.violations
      .filter((v) => v.severity === 'error')
      .map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(errors).toEqual([]);
  });

  it('acknowledges only what is argued: each with a reason of substance', () => {
    // Act
    const found = acknowledgements(plain.app);
    // Assess
    expect([...new Set([...found.keys()].map((id) => id.replace(/\[.*\]$/, '')))].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM5',
      'AwsSolutions-L1',
      'AwsSolutions-SMG4',
      'AwsSolutions-SQS3',
    ]);
    for (const [id, reason] of found) expect({ id, long: reason.length >= 60 }).toEqual({ id, long: true });
  });
});
