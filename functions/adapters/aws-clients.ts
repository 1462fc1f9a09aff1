/**
 * Both clients, for tools and tests. A function imports the one it uses from dynamo-client or
 * sqs-client instead: every @aws-sdk client a bundle requires is loaded at cold start, used or not
 * (the runtime provides the SDK, so it never shows in the bundle's size, only in its init time).
 */
export { dynamo } from './dynamo-client';
export { sqs } from './sqs-client';
