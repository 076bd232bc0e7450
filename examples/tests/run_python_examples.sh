#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the Python examples the way their users would and checks what they
# print. Usage: run_python_examples.sh PYTHON DEMO_BINARY EXAMPLES_DIR
# (PYTHONPATH must reach the omnictx package).
set -euo pipefail
python=$1
demo=$2
examples=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

expect() {  # expect NAME PATTERN FILE
  if grep -qF -- "$2" "$3"; then
    echo "ok: $1"
  else
    echo "FAIL: $1: '$2' not found in:"
    cat "$3"
    fails=$((fails + 1))
  fi
}

# journey_funnel.py: replay the loan events, print the funnel.
"$python" "$examples/python/journey_funnel.py" --db "$work/funnel.db" \
  "$examples/tests/loan_events.jsonl" >"$work/funnel.txt"
expect "funnel: replayed" "replayed 14 events" "$work/funnel.txt"
expect "funnel: totals" "home_loan v1: 5 started, 1 completed, 1 failed, 0 abandoned, 3 active (1 stalled)" "$work/funnel.txt"
expect "funnel: first step" "simulate            5 ##############################  80% go on, median 0:30:00 in step" "$work/funnel.txt"
expect "funnel: review step" "review              3 ##################              67% go on" "$work/funnel.txt"
expect "funnel: failure step" "0%, 100% drop off" "$work/funnel.txt"
expect "funnel: switches" "at upload_documents: web -> voice x2, 50% of those journeys succeeded" "$work/funnel.txt"

# twilio_webhook.py: the demo's stories give a caller with an open case
# (route to its owner) and callers to send through the IVR menu.
"$demo" "$work/demo.db" >/dev/null
form='AccountSid=AC0123&ApiVersion=2010-04-01&CallSid=CA42&CallStatus=ringing&Called=%2B33180000000&Direction=inbound&From=%2B33781223344&FromCountry=FR&To=%2B33180000000'
"$python" "$examples/python/twilio_webhook.py" --db "$work/demo.db" --form "$form" >"$work/twiml.xml"
expect "twilio: greets by name" "<Say>Hello Léa Dubois. Connecting you now.</Say>" "$work/twiml.xml"
expect "twilio: enqueues with the routing" '"route_kind": "agent", "route_reason": "open case 1 owned by eng-42", "route_target": "eng-42"' "$work/twiml.xml"
expect "twilio: task priority" '<Task priority="3">' "$work/twiml.xml"
"$python" -c 'import sys, xml.dom.minidom; xml.dom.minidom.parse(sys.argv[1])' "$work/twiml.xml" ||
  { echo "FAIL: twilio: TwiML is not well-formed XML"; fails=$((fails + 1)); }
echo 'CallSid=CA43&From=%2B33699999999' |
  "$python" "$examples/python/twilio_webhook.py" --db "$work/demo.db" >"$work/unknown.xml"
expect "twilio: unknown caller goes to the menu" '<Redirect method="POST">/ivr/main-menu?CallSid=CA43</Redirect>' "$work/unknown.xml"
"$python" "$examples/python/twilio_webhook.py" --db "$work/demo.db" \
  --form 'CallSid=CA44&From=anonymous' >"$work/anon.xml"
expect "twilio: withheld number goes to the menu" "CallSid=CA44" "$work/anon.xml"

# --serve: the same answer over HTTP, as Twilio posts it.
"$python" "$examples/python/twilio_webhook.py" --db "$work/demo.db" --serve 0 \
  2>"$work/serve.log" &
server=$!
url=
for _ in $(seq 100); do
  url=$(sed -n 's/^twilio webhook on \(http:[^ ]*\)$/\1/p' "$work/serve.log")
  [[ -n $url ]] && break
  sleep 0.1
done
if [[ -n $url ]] &&
   curl -sS --max-time 10 -d "$form" "$url" >"$work/served.xml" 2>"$work/curl.log"; then
  if cmp -s "$work/twiml.xml" "$work/served.xml"; then
    echo "ok: twilio --serve answers the form over HTTP"
  else
    echo "FAIL: twilio --serve: answer differs"; diff "$work/twiml.xml" "$work/served.xml" || true
    fails=$((fails + 1))
  fi
else
  echo "FAIL: twilio --serve did not answer"; cat "$work/serve.log" "$work/curl.log" 2>/dev/null
  fails=$((fails + 1))
fi
kill "$server" 2>/dev/null || true
wait "$server" 2>/dev/null || true

echo "$fails failed"
[[ $fails -eq 0 ]]
