import * as iam from 'aws-cdk-lib/aws-iam';
import type { DataStack } from '../data-stack';
import { tables, type FunctionSpec } from '../topology';
import type { GatewayFunction } from './gateway-function';

/** What Table.grantReadData / grantReadWriteData allow, minus the stream actions (no streams here). */
export const TABLE_READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:Scan',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];

/** Exactly the access a function's spec declares: its tables, the queues it sends to, the secret, the bus. */
export function grantAccess(fn: GatewayFunction, spec: FunctionSpec, data: DataStack): void {
  for (const { name, access } of spec.tables) {
    const table = data.stores.tables[name];
    // Not table.grant*: those add <table>/index/*, a wildcard; the topology names every index.
    const indexNames = Object.keys(tables[name].indexes ?? {});
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: access === 'read' ? TABLE_READ_ACTIONS : [...TABLE_READ_ACTIONS, ...TABLE_WRITE_ACTIONS],
        resources: [table.tableArn, ...indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
  }
  for (const queue of spec.sendsTo) data.stores.queues[queue].grantSendMessages(fn.fn);
  if (spec.twilio) data.twilioAuthToken.secret.grantRead(fn.fn);
  if (spec.publishesEvents) data.events.bus.grantPutEventsTo(fn.fn);
}
