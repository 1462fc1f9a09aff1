import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Base URL of a Twilio-compatible API (sandbox carrier, test double); unset = real Twilio. */
  apiUrl?: string;
}

/**
 * Sends every request to `baseUrl` with the path and query twilio built. Any origin is
 * rewritten, not only api.twilio.com: TWILIO_EDGE / TWILIO_REGION in the environment make
 * the SDK rewrite the host (api.sydney.au1.twilio.com) before the http client sees it.
 */
class RedirectingRequestClient extends twilio.RequestClient {
  constructor(private readonly baseUrl: string) {
    // No autoRetry: our queue owns retries. No keep-alive: local targets come and go
    // (tests restart them), and pooled sockets to a closed server fail the next request.
    super({ autoRetry: false, keepAlive: false });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    return super.request({ ...opts, uri: this.baseUrl + original.pathname + original.search });
  }
}

export function createTwilioClient(settings: TwilioSettings): twilio.Twilio {
  const { accountSid, authToken, apiUrl } = settings;
  if (!apiUrl) return twilio(accountSid, authToken, { autoRetry: false });
  // The client ignores its own autoRetry option once an httpClient is given.
  return twilio(accountSid, authToken, { httpClient: new RedirectingRequestClient(apiUrl.replace(/\/+$/, '')) });
}
