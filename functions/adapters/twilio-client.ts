import { Client } from 'twilio/lib/base/BaseTwilio';
import Domain from 'twilio/lib/base/Domain';
import RequestClient from 'twilio/lib/base/RequestClient';
import Version from 'twilio/lib/base/Version';
import type V2010 from 'twilio/lib/rest/api/V2010';
import { MessageListInstance } from 'twilio/lib/rest/api/v2010/account/message';

export interface TwilioSettings {
  accountSid: string;
  authToken: string;
  /** Base URL of a Twilio-compatible API (sandbox carrier, test double); unset = real Twilio. */
  apiUrl?: string;
  /** How long one request may take before it is abandoned (its outcome is then unknown). */
  timeoutMs?: number;
}

/** Well inside send-sms's function timeout, so one slow call costs only its own message. */
export const DEFAULT_CARRIER_TIMEOUT_MS = 5_000;

/** The one part of Twilio's REST API the gateway uses. */
export interface TwilioMessaging {
  messages: MessageListInstance;
}

/**
 * Sends every request to `baseUrl` with the path and query twilio built. Any origin is
 * rewritten, not only api.twilio.com: TWILIO_EDGE / TWILIO_REGION in the environment make
 * the SDK rewrite the host (api.sydney.au1.twilio.com) before the http client sees it.
 */
class RedirectingRequestClient extends RequestClient {
  constructor(
    private readonly baseUrl: string,
    timeout: number,
  ) {
    // No keep-alive: local targets come and go (tests restart them), and pooled sockets to a
    // closed server fail the next request.
    super({ autoRetry: false, keepAlive: false, timeout });
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const original = new URL(opts.uri);
    return super.request({ ...opts, uri: this.baseUrl + original.pathname + original.search });
  }
}

/** Where twilio's Api domain sends its requests (RedirectingRequestClient rewrites it for a stand-in). */
const TWILIO_API_BASE_URL = 'https://api.twilio.com';

/**
 * twilio's own client (auth, request signing, errors), with only the Messages API attached. The
 * full `twilio()` entry point bundles every Twilio product (3 MB more in send-sms), and even
 * `new Api(client).v2010.accounts(sid)` loads every 2010 resource (calls, conferences, SIP…, about
 * 500 KB): the Messages list is built here from twilio's own Domain and Version, exactly as
 * twilio's Api and V2010 classes build it. No autoRetry: our queue owns retries (twilio ignores
 * that option once an httpClient is given, so it is set there).
 */
export function createTwilioClient(settings: TwilioSettings): TwilioMessaging {
  const { accountSid, authToken, apiUrl, timeoutMs = DEFAULT_CARRIER_TIMEOUT_MS } = settings;
  const httpClient = apiUrl ? new RedirectingRequestClient(apiUrl.replace(/\/+$/, ''), timeoutMs) : new RequestClient({ autoRetry: false, timeout: timeoutMs });
  const client = new Client(accountSid, authToken, { httpClient });
  // V2010 adds only the accounts getters to Version; the Messages list needs nothing else from it.
  const v2010 = new Version(new Domain(client, TWILIO_API_BASE_URL), '2010-04-01') as V2010;
  return { messages: MessageListInstance(v2010, accountSid) };
}
