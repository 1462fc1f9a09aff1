import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('the pinned CDK CLI', () => {
  let outdir: string;

  beforeAll(() => {
    outdir = mkdtempSync(path.join(tmpdir(), 'sms-gateway-cdk-cli-'));
  });

  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('runs `cdk synth` offline and writes both stacks (the CLI can read this aws-cdk-lib\'s cloud assembly)', () => {
    // Prepare
    const cdk = path.join(repoRoot, 'node_modules', '.bin', 'cdk');

    // Act
    const synth = spawnSync(cdk, ['synth', '--quiet', '--output', outdir], { cwd: repoRoot, encoding: 'utf8', timeout: 180_000, env: { ...process.env, CDK_DISABLE_VERSION_CHECK: 'true' } });

    // Assess
    expect({ status: synth.status, stderr: synth.status === 0 ? '' : synth.stderr }).toEqual({ status: 0, stderr: '' });
    expect(readdirSync(outdir)).toEqual(expect.arrayContaining(['SmsGatewayData-dev.template.json', 'SmsGatewayService-dev.template.json']));
  }, 200_000);
});
