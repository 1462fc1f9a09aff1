import { Logger } from '@aws-lambda-powertools/logger';
import { maskPhonesIn } from '../domain/phone-masking';

/**
 * One logger for the service. Phone numbers go in only through maskPhone; as a safety net every
 * string of every log line (error messages and stacks included) has any whole number masked, so an
 * error that echoes a key such as PHONE#+15551234567 cannot put one in the logs.
 */
export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sms-gateway',
  jsonReplacerFn: (_key: string, value: unknown) => (typeof value === 'string' ? maskPhonesIn(value) : value),
});
