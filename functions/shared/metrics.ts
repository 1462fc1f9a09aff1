import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE } from './metric-names';

/** One metrics buffer per container, flushed as EMF at the end of every invocation. */
export const metrics = new Metrics({ namespace: process.env.POWERTOOLS_METRICS_NAMESPACE ?? METRICS_NAMESPACE, serviceName: 'sms-gateway' });

/**
 * logMetrics in Lambda. Where metrics are disabled (the local gateway, tests) nothing is flushed,
 * so nothing is attached: Powertools would otherwise warn "no metrics" on every invocation.
 */
export function metricsMiddleware(): MiddlewareObj {
  return process.env.POWERTOOLS_METRICS_DISABLED === 'true' ? { before: () => undefined } : (logMetrics(metrics) as MiddlewareObj);
}
