import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The function whose invocation the current code runs in (every handler runs inside it locally): all
 * handlers share one process and one SDK client each, and this tells their requests apart.
 */
export const currentInvocation = new AsyncLocalStorage<{ functionName: string }>();
