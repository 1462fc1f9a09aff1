import * as iam from 'aws-cdk-lib/aws-iam';
import type { DataStack } from '../data-stack';
import { tables, type FunctionSpec, type TableSpec } from '../topology';
import type { GatewayFunction } from './gateway-function';

/**
 * The DynamoDB actions a table access allows: reads by key (GetItem, Query, ConditionCheckItem for
 * transactions), Scan only on a table read whole or for a function that declares it scans, PutItem/UpdateItem for writers, DeleteItem only for
 * functions that remove items, BatchGetItem only for functions that declare batch reads; UpdateItem
 * alone for update-only access. No batch writes: no function uses them.
 */
export const TABLE_READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem'];
export const TABLE_WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];

export function tableActions(table: TableSpec, access: FunctionSpec['tables'][number]): string[] {
  if (access.access === 'update') return ['dynamodb:UpdateItem'];
  return [
    ...TABLE_READ_ACTIONS,
    ...(table.readWhole || access.scans ? ['dynamodb:Scan'] : []),
    ...(access.access === 'readWrite' ? TABLE_WRITE_ACTIONS : []),
    ...(access.access === 'readWrite' && access.deletes ? ['dynamodb:DeleteItem'] : []),
    ...(access.batchReads ? ['dynamodb:BatchGetItem'] : []),
  ];
}

/** Looking at a queue without taking anything: ReceiveMessage (visibility 0 leaves messages there) and the counts. */
export const QUEUE_PEEK_ACTIONS = ['sqs:ReceiveMessage', 'sqs:GetQueueAttributes'];

/** Exactly the access a function's spec declares: its tables, the queues it sends to or peeks at, the secret, the bus. */
export function grantAccess(fn: GatewayFunction, spec: FunctionSpec, data: DataStack): void {
  for (const access of spec.tables) {
    const table = data.stores.tables[access.name];
    // Not table.grant*: those add <table>/index/*, a wildcard; the topology names every index.
    const indexNames = Object.keys(tables[access.name].indexes ?? {});
    fn.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: tableActions(tables[access.name], access),
        resources: [table.tableArn, ...indexNames.map((index) => `${table.tableArn}/index/${index}`)],
      }),
    );
  }
  for (const queue of spec.sendsTo) data.stores.queues[queue].grantSendMessages(fn.fn);
  for (const queue of spec.peeks?.queues ?? []) data.stores.queues[queue].grant(fn.fn, ...QUEUE_PEEK_ACTIONS);
  for (const queue of spec.peeks?.deadLetters ?? []) data.stores.deadLetterQueues[queue].grant(fn.fn, ...QUEUE_PEEK_ACTIONS);
  if (spec.twilio) data.twilioAuthToken.secret.grantRead(fn.fn);
  if (spec.publishesEvents) data.events.bus.grantPutEventsTo(fn.fn);
}
