// SPDX-License-Identifier: Apache-2.0
//
// Checks what `omnictx` printed (standard input) after the SDKs sent their
// story; exits 1 naming the first difference.
//   node check.js timeline             timeline --json: the story's 3 interactions
//   node check.js context PHONE EMAIL  a Context JSON: known, with both identities;
//                                      prints the customer id
//   node check.js ivr PHONE EMAIL      a Context JSON for the IVR audience: known,
//                                      with neither identity value anywhere
//   node check.js flat PHONE           GET /v1/context?format=flat (IVR audience:
//                                      the matched kind but not the number)
//   node check.js reply STATUS_FIELD=VALUE ...  a JSON reply's top-level fields
'use strict';

const fs = require('fs');
const [mode, ...args] = process.argv.slice(2);
const input = fs.readFileSync(0, 'utf8');

function fail(message) {
  console.error(`check ${mode}: ${message}\n--- input:\n${input.slice(0, 2000)}`);
  process.exit(1);
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch (e) {
    fail(`not JSON: ${e.message}`);
  }
}

function timeline() {
  const rows = input.split('\n').filter((l) => l.trim() !== '').map(parse);
  const kinds = rows.map((r) => r.kind).sort();
  const want = ['email_clicked', 'order_completed', 'page_view'];
  if (JSON.stringify(kinds) !== JSON.stringify(want)) {
    fail(`kinds ${JSON.stringify(kinds)}, want ${JSON.stringify(want)}`);
  }
  if (new Set(rows.map((r) => r.customerId)).size !== 1) fail('not one customer');
  const by = Object.fromEntries(rows.map((r) => [r.kind, r]));
  const email = by.email_clicked;
  if (email.channel.kind !== 'CHANNEL_KIND_EMAIL' || email.touchpoint !== 'email.renewal' ||
      email.direction !== 'DIRECTION_INBOUND') {
    fail('email_clicked is not an inbound email at email.renewal');
  }
  if (by.page_view.touchpoint !== 'web.pricing') fail('page_view is not at web.pricing');
  // Attributes are a list of {key, value} entries in the JSON mapping.
  const orderId = (by.order_completed.attributes || [])
    .find((a) => a.key === 'properties.order_id');
  if (!orderId || orderId.value !== 'o-1') {
    fail('order_completed lost properties.order_id');
  }
  for (const r of rows) {
    if (!r.externalId) fail(`${r.kind} has no external id (the SDK's messageId)`);
  }
}

function context(phone, email) {
  const ctx = parse(input);
  if (ctx.known !== true) fail('"known" is not true');
  const ids = (ctx.customer.identities || []).map((i) => `${i.kind}:${i.value}`);
  for (const want of [`IDENTITY_KIND_PHONE:${phone}`, `IDENTITY_KIND_EMAIL:${email}`]) {
    if (!ids.includes(want)) fail(`identity ${want} missing from ${JSON.stringify(ids)}`);
  }
  if (!(ctx.recent || []).length) fail('no recent interactions');
  console.log(ctx.customer.id);
}

function ivr(phone, email) {
  const ctx = parse(input);
  if (ctx.known !== true) fail('"known" is not true');
  for (const secret of [phone, email]) {
    if (input.includes(secret)) fail(`the IVR audience sees ${secret}`);
  }
  if (ctx.recent) fail('the IVR audience sees recent interactions');
  if (!ctx.customer || !ctx.customer.id) fail('no customer id');
  console.log(ctx.customer.id);
}

function flat(phone) {
  const m = parse(input);
  if (input.includes(phone)) fail(`the IVR audience sees ${phone}`);
  const want = {known: '1', matched_kind: 'phone', matched_value: ''};
  for (const [k, v] of Object.entries(want)) {
    if (m[k] !== v) fail(`${k} is ${JSON.stringify(m[k])}, want ${JSON.stringify(v)}`);
  }
  if (!m.last_channel) fail('last_channel is empty');
}

function reply(pairs) {
  const r = parse(input);
  for (const pair of pairs) {
    const k = pair.slice(0, pair.indexOf('='));
    const v = pair.slice(pair.indexOf('=') + 1);
    if (String(r[k]) !== v) fail(`${k} is ${JSON.stringify(r[k])}, want ${v}`);
  }
}

switch (mode) {
  case 'timeline': timeline(); break;
  case 'context': context(args[0], args[1]); break;
  case 'ivr': ivr(args[0], args[1]); break;
  case 'flat': flat(args[0]); break;
  case 'reply': reply(args); break;
  default: fail('unknown mode');
}
