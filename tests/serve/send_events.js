// SPDX-License-Identifier: Apache-2.0
//
// Sends one customer's story through a real analytics SDK to `omnictx serve`
// and exits non-zero if any request was not answered 200:
//   identify (userId, traits.email, traits.phone), track "Email Link Clicked"
//   (campaign "renewal"), track "Order Completed", page "Pricing".
//
//   node send_events.js segment|rudderstack URL WRITE_KEY USER_ID EMAIL PHONE
'use strict';

const [sdk, url, writeKey, userId, email, phone] = process.argv.slice(2);

function story(client) {
  client.identify({userId, traits: {email, phone, name: `${sdk} customer`}});
  client.track({userId, event: 'Email Link Clicked', properties: {campaign_name: 'renewal'}});
  client.track({userId, event: 'Order Completed', properties: {order_id: 'o-1', revenue: 42.5}});
  client.page({userId, name: 'Pricing', properties: {path: '/pricing'}});
}

// @segment/analytics-node: JSON body with Basic auth and the writeKey inside.
async function viaSegment() {
  const {Analytics} = require('@segment/analytics-node');
  const problems = [];
  let answered = 0;
  const analytics = new Analytics({
    writeKey, host: url, maxRetries: 1, flushInterval: 60000, httpRequestTimeout: 10000,
  });
  analytics.on('http_response', (r) => {
    answered += 1;
    if (r.status !== 200) problems.push(`HTTP ${r.status} ${r.statusText}`);
  });
  analytics.on('error', (e) => problems.push(`error: ${e.code || ''} ${e.reason || e.message || e}`));
  story(analytics);
  await analytics.closeAndFlush({timeout: 30000});
  if (answered === 0) problems.push('the SDK sent nothing');
  return problems;
}

// @rudderstack/rudder-sdk-node: gzip-compressed body with Basic auth.
async function viaRudderStack() {
  const Analytics = require('@rudderstack/rudder-sdk-node');
  const client = new Analytics(writeKey, {
    dataPlaneUrl: url, flushAt: 100, flushInterval: 60000, retryCount: 0, logLevel: 'error',
    timeout: 10000,
  });
  story(client);
  try {
    // flush() resolves with the body it posted: gzip bytes (1f 8b ...).
    const sent = await client.flush();
    if (!Buffer.isBuffer(sent) || sent[0] !== 0x1f || sent[1] !== 0x8b) {
      return ['expected the SDK to post a gzip-compressed body'];
    }
  } catch (e) {
    return [`flush failed: ${e.message || e}`];
  }
  return [];
}

(async () => {
  const send = {segment: viaSegment, rudderstack: viaRudderStack}[sdk];
  if (!send) {
    console.error(`send_events: unknown SDK '${sdk}'`);
    process.exit(2);
  }
  const problems = await send();
  for (const p of problems) console.error(`send_events (${sdk}): ${p}`);
  process.exit(problems.length === 0 ? 0 : 1);
})().catch((e) => {
  console.error(`send_events (${sdk}): ${e.stack || e}`);
  process.exit(1);
});
