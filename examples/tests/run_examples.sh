#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs every example program the way its users would and checks what it
# prints. Usage: run_examples.sh BIN_DIR DATA_DIR
set -euo pipefail
bin=$1
data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
db=$work/cc.db
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

# The demo plays the stories on a fresh file.
"$bin/omnictx_demo" "$db" >"$work/demo.txt"
expect "demo routes the web visitor's call" \
  "Routing: skill documents, bypass self-service (on web 4 minutes ago at step upload_documents of home_loan)" \
  "$work/demo.txt"
expect "demo offers help to the stalled customer" "Suggestion: offer help" "$work/demo.txt"
expect "demo routes the case to its owner" "Routing: agent eng-42" "$work/demo.txt"
"$bin/omnictx_demo" "$work/demo-json.db" --json >"$work/demo.json"
expect "demo --json prints contexts" '"door":"IVR (caller id 06 12 34 56 78)"' "$work/demo.json"

# The IVR reads a real AGI header and answers with SET VARIABLE lines.
"$bin/ivr_lookup" --db "$db" --region FR <"$data/agi_header.txt" >"$work/agi.txt"
expect "ivr_lookup: known caller" 'SET VARIABLE OMNICTX_KNOWN "1"' "$work/agi.txt"
expect "ivr_lookup: customer" 'SET VARIABLE OMNICTX_CUSTOMER "cust-lea"' "$work/agi.txt"
expect "ivr_lookup: bypass" 'SET VARIABLE OMNICTX_BYPASS "1"' "$work/agi.txt"
expect "ivr_lookup: route to the case owner" 'SET VARIABLE OMNICTX_ROUTE_TARGET "eng-42"' "$work/agi.txt"
expect "ivr_lookup: case" 'SET VARIABLE OMNICTX_CASE "1"' "$work/agi.txt"
expect "ivr_lookup: case owner" 'SET VARIABLE OMNICTX_CASE_OWNER "eng-42"' "$work/agi.txt"
# As on a live channel: Asterisk answers every command with "200 result=1".
{ cat "$data/agi_header.txt"; for _ in 1 2 3 4 5 6 7 8 9 10; do echo "200 result=1"; done; } |
  "$bin/ivr_lookup" --db "$db" --region FR >"$work/agi-live.txt"
if cmp -s "$work/agi.txt" "$work/agi-live.txt"; then
  echo "ok: ivr_lookup: same commands when Asterisk answers each one"
else
  echo "FAIL: ivr_lookup answers differently with Asterisk's replies:"
  diff "$work/agi.txt" "$work/agi-live.txt" || true
  fails=$((fails + 1))
fi
sed 's/^agi_callerid: .*/agi_callerid: anonymous/' "$data/agi_header.txt" |
  "$bin/ivr_lookup" --db "$db" --region FR >"$work/agi-anon.txt"
expect "ivr_lookup: withheld number" 'SET VARIABLE OMNICTX_KNOWN "0"' "$work/agi-anon.txt"

# The CRM export goes in; running it twice changes nothing.
set +e
"$bin/crm_sync" --db "$db" --region FR "$data/crm_export.csv" >"$work/crm.txt"
rc=$?
"$bin/crm_sync" --db "$db" --region FR "$data/crm_export.csv" >"$work/crm2.txt"
set -e
expect "crm_sync: every row handled" "3 rows, 0 failed" "$work/crm.txt"
[[ $rc -eq 0 ]] || { echo "FAIL: crm_sync exit code $rc"; fails=$((fails + 1)); }
expect "crm_sync: customer with quoted name" "customer CRM-1002 (Martin, Paul), crm_id CRM-1002, phone +33698765432, email paul.martin@example.com" "$work/crm.txt"
expect "crm_sync: case opened" "opened case" "$work/crm.txt"
expect "crm_sync: letters refused, row kept" "phone: letters not allowed" "$work/crm.txt"
expect "crm_sync: second run opens no case" "case already open: Fibre box drops the connection, every evening" "$work/crm2.txt"

# The agent's timeline groups by case.
"$bin/agent_timeline" --db "$db" --region FR --customer cust-lea >"$work/timeline.txt"
expect "agent_timeline: case header" 'Case 1 "Fibre box drops the connection every evening", owner eng-42' "$work/timeline.txt"
expect "agent_timeline: the sms in the case" "sms  sms.support  Still dropping tonight" "$work/timeline.txt"

# ... and by journey, with the contacts outside both apart.
"$bin/agent_timeline" --db "$db" --region FR --customer cust-camille >"$work/timeline-j.txt"
expect "agent_timeline: journey header" "Journey home_loan, now at upload_documents" "$work/timeline-j.txt"
expect "agent_timeline: the step's page under it" "web  web.upload  Opened the document upload page" "$work/timeline-j.txt"
expect "agent_timeline: other contacts" "Other contacts" "$work/timeline-j.txt"
if [[ $(grep -n "Journey home_loan" "$work/timeline-j.txt" | cut -d: -f1) -lt \
      $(grep -n "web.upload" "$work/timeline-j.txt" | cut -d: -f1) &&
      $(grep -n "web.upload" "$work/timeline-j.txt" | cut -d: -f1) -lt \
      $(grep -n "Other contacts" "$work/timeline-j.txt" | cut -d: -f1) ]]; then
  echo "ok: agent_timeline: the journey's contacts sit under its header"
else
  echo "FAIL: agent_timeline: grouping order"; cat "$work/timeline-j.txt"; fails=$((fails + 1))
fi

echo "$fails failed"
[[ $fails -eq 0 ]]
