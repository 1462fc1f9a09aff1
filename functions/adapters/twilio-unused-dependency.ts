/**
 * Bundled in place of two packages the twilio client requires but never calls on the gateway's path
 * (lib/constructs/lambda-bundling.ts aliases them here), so they are not in send-sms:
 * - form-data (with mime-types' ~130 KB MIME table): axios builds multipart bodies with it; twilio
 *   sends application/x-www-form-urlencoded bodies it encodes itself with qs.
 * - jsonwebtoken (with jws, semver, lodash.*): twilio signs requests with it only for Public Key
 *   Client Validation (a `validationClient` given to its RequestClient), which the gateway does not use.
 * Anything that does call them fails loudly instead of misbehaving. CommonJS on purpose: axios uses
 * require('form-data') itself as a constructor, twilio calls require('jsonwebtoken').sign.
 */
function notBundled(): never {
  throw new Error('not bundled: form-data and jsonwebtoken are left out of the Lambda bundle (see functions/adapters/twilio-unused-dependency.ts)');
}
notBundled.sign = notBundled;
notBundled.verify = notBundled;
notBundled.decode = notBundled;

export = notBundled;
