import { requiredEnv } from '../shared/env';
import { once } from '../shared/once';
import { EventBridgePublisher, eventBridgeClient } from './eventbridge-publisher';
import { MeteredPublisher } from './metered';

/** The bus the gateway publishes on, apart so functions that never publish do not bundle the EventBridge client. */
export const eventPublisher = once(() => new MeteredPublisher(new EventBridgePublisher(eventBridgeClient(), requiredEnv('EVENT_BUS_NAME'))));
