import { Logger } from '@aws-lambda-powertools/logger';

/** One logger for the service. Phone numbers go in only through maskPhone. */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sms-gateway' });
