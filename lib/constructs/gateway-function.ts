import * as path from 'node:path';
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel, NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FunctionSpec } from '../topology';
import { BUNDLE_ALIASES, BUNDLE_INJECT, BUNDLE_SOURCES_CONTENT, consoleAssetCommands } from './lambda-bundling';

const repoRoot = path.resolve(__dirname, '..', '..');

export interface GatewayFunctionProps {
  spec: FunctionSpec;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  logRemovalPolicy: RemovalPolicy;
}

/** One topology function: bundled handler, its own role and its own log group. */
export class GatewayFunction extends Construct {
  readonly fn: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: GatewayFunctionProps) {
    super(scope, id);
    const { spec } = props;
    const logGroup = (this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
    }));
    // An own role instead of AWSLambdaBasicExecutionRole, so logging rights cover this log group only.
    this.role = new iam.Role(this, 'Role', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    logGroup.grantWrite(this.role);

    this.fn = new NodejsFunction(this, 'Function', {
      entry: path.join(repoRoot, spec.entry),
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: path.join(repoRoot, 'package-lock.json'),
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(spec.timeoutSeconds),
      memorySize: spec.memoryMb,
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup,
      // No NODE_OPTIONS=--enable-source-maps: it parses the whole .map at every cold start. The injected
      // lazy-source-maps module maps stack traces instead, reading the .map on the first one.
      environment: props.environment,
      bundling: {
        minify: true,
        sourceMap: true,
        sourcesContent: BUNDLE_SOURCES_CONTENT,
        inject: [...BUNDLE_INJECT],
        esbuildArgs: { '--alias': Object.entries(BUNDLE_ALIASES).map(([name, stub]) => `${name}=${stub}`) },
        format: OutputFormat.CJS,
        forceDockerBundling: false,
        // esbuild's per-bundle size table is noise in synth and test output.
        logLevel: LogLevel.WARNING,
        ...(spec.servesConsole
          ? {
              commandHooks: {
                beforeBundling: () => [],
                beforeInstall: () => [],
                afterBundling: (inputDir: string, outputDir: string) => consoleAssetCommands(inputDir, outputDir),
              },
            }
          : {}),
      },
    });

    Validations.of(this.fn).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'nodejs22.x is pinned on purpose (LTS, supported by Lambda into 2027): moving to nodejs24.x is a tested upgrade of its own, not a side effect of a CDK or cdk-nag bump.',
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (added by active tracing) support no resource-level permissions.',
    });
  }
}
