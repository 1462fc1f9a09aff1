/**
 * What the console learns about where it runs (its config.json), from the environment:
 * - LOCAL_GATEWAY=true on the local gateway (set by it): the /local routes exist, and the console's
 *   API answers without a login (the local gateway listens on 127.0.0.1 only);
 * - CONSOLE_AUTH_DOMAIN and CONSOLE_AUTH_CLIENT_ID in AWS: the login (a Cognito user pool's hosted
 *   domain and app client) the console signs staff in with.
 */
export interface ConsoleSettings {
  auth: { domain: string; clientId: string; region: string } | null;
  local: boolean;
}

export const LOCAL_GATEWAY_ENV = 'LOCAL_GATEWAY';
export const CONSOLE_AUTH_ENV = { domain: 'CONSOLE_AUTH_DOMAIN', clientId: 'CONSOLE_AUTH_CLIENT_ID' } as const;

export function isLocalGateway(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[LOCAL_GATEWAY_ENV] === 'true';
}

export function consoleSettings(env: NodeJS.ProcessEnv = process.env): ConsoleSettings {
  const domain = env[CONSOLE_AUTH_ENV.domain];
  const clientId = env[CONSOLE_AUTH_ENV.clientId];
  return {
    auth: domain && clientId ? { domain, clientId, region: env.AWS_REGION ?? 'us-east-1' } : null,
    local: isLocalGateway(env),
  };
}
