#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# End-to-end test of `omnictx serve`: the real Segment and RudderStack
# Node.js SDKs send a customer's story to the collector on a loopback port;
# the CLI then finds it in the context. Curl checks the HTTP answers (401,
# 400, 413, 415, gzip, the context dip) and that SIGTERM stops the server
# with exit code 0 and every acknowledged event stored.
#
#   bash tests/serve/run_serve_test.sh OMNICTX_BINARY WORK_DIR
#
# The SDKs are installed with npm under WORK_DIR/node once and reused. When
# npm cannot install them (no registry), the test FAILS: it never skips.
set -euo pipefail

if (($# != 2)); then
  echo "usage: $0 OMNICTX_BINARY WORK_DIR" >&2
  exit 2
fi
omnictx=$(realpath "$1")
work=$(mkdir -p "$2" && realpath "$2")
here=$(cd "$(dirname "$0")" && pwd)
key=serve-test-key
run=$(mktemp -d "$work/run.XXXXXX")
db=$run/cc.db
server_pid=
port=

cleanup() {
  if [[ -n $server_pid ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -KILL "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$run"
}
trap cleanup EXIT

fail() {
  echo "serve test: FAIL: $*" >&2
  if [[ -s $run/serve.err ]]; then
    echo "--- serve stderr (last lines):" >&2
    tail -n 20 "$run/serve.err" >&2
  fi
  exit 1
}
ok() { echo "ok - $*"; }

# ---- The SDKs, installed once under WORK_DIR/node ----
sdks=(@segment/analytics-node@3 @rudderstack/rudder-sdk-node@3)
install_sdks() {
  local dir=$work/node
  if [[ -f $dir/installed && $(cat "$dir/installed") == "${sdks[*]}" ]]; then
    return
  fi
  command -v node >/dev/null || fail "node is not installed (apt-get install nodejs npm)"
  command -v npm >/dev/null || fail "npm is not installed (apt-get install nodejs npm)"
  rm -rf "$dir"
  mkdir -p "$dir"
  echo '{"private": true}' >"$dir/package.json"
  if ! (cd "$dir" && timeout 300 npm install --no-audit --no-fund --loglevel=error "${sdks[@]}") \
      >"$run/npm.log" 2>&1 </dev/null; then
    cat "$run/npm.log" >&2
    fail "npm could not install ${sdks[*]}: is the npm registry reachable? This test needs it."
  fi
  echo "${sdks[*]}" >"$dir/installed"
}

# ---- The server ----
# Starts `omnictx serve` on a port the system picks and waits (10 s at most)
# for its "listening on" line.
start_server() {
  : >"$run/serve.err"
  "$omnictx" serve --db "$db" --listen 127.0.0.1:0 --write-key "$key" --threads 2 \
    --audiences ivr,agent 2>"$run/serve.err" </dev/null &
  server_pid=$!
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9][0-9]*\)$/\1/p' "$run/serve.err")
    [[ -n $port ]] && return
    kill -0 "$server_pid" 2>/dev/null || fail "serve exited before listening"
    sleep 0.1
  done
  fail "serve did not print 'listening on' within 10 s"
}

# Sends SIGTERM and requires exit code 0 within 30 s.
stop_server() {
  kill -TERM "$server_pid"
  for _ in $(seq 300); do
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$server_pid" 2>/dev/null && fail "serve still running 30 s after SIGTERM"
  local rc=0
  wait "$server_pid" || rc=$?
  server_pid=
  ((rc == 0)) || fail "serve exited with $rc after SIGTERM, want 0"
  grep -qx stopped "$run/serve.err" || fail "serve did not print 'stopped'"
}

# http WANT_STATUS CURL_ARGS... : one request; the body lands in $run/body.
http() {
  local want=$1 got
  shift
  got=$(curl -sS --max-time 10 -o "$run/body" -w '%{http_code}' "$@") ||
    fail "curl $* failed"
  [[ $got == "$want" ]] || fail "curl $*: HTTP $got, want $want; body: $(head -c 500 "$run/body")"
}

# check MODE ARGS... < input : the node checker.
check() { node "$here/check.js" "$@"; }

install_sdks
export NODE_PATH=$work/node/node_modules
"$omnictx" init --db "$db" >/dev/null
start_server
url=http://127.0.0.1:$port
ok "serve listens on 127.0.0.1:$port"

# ---- 1. The SDKs' story lands in the context ----
send() {
  timeout 60 node "$here/send_events.js" "$@" || fail "the $1 SDK did not get 200 for everything"
}
send segment "$url" "$key" seg-user-1 seg@example.com +33612345678
send rudderstack "$url" "$key" rs-user-1 rs@example.com +33698765432
ok "both SDKs posted identify, 2 tracks and a page and got 200"

for who in "seg@example.com +33612345678" "rs@example.com +33698765432"; do
  read -r email phone <<<"$who"
  "$omnictx" timeline --db "$db" --email "$email" --json >"$run/timeline" ||
    fail "timeline --email $email failed"
  check timeline <"$run/timeline" || fail "timeline of $email"
  "$omnictx" lookup --db "$db" --email "$email" --json >"$run/lookup" ||
    fail "lookup --email $email failed"
  cli_id=$(check context "$phone" "$email" <"$run/lookup") || fail "lookup of $email"

  # The IVR's data dip: by phone, as JSON and as a flat map, for the IVR
  # audience (the server's default) and for the agent audience it allows.
  http 200 -u "$key:" "$url/v1/context?phone=${phone/+/%2B}&channel=ivr"
  http_id=$(check ivr "$phone" "$email" <"$run/body") || fail "GET /v1/context for $phone"
  [[ $http_id == "$cli_id" ]] || fail "GET /v1/context found $http_id, the CLI $cli_id"
  http 200 -u "$key:" "$url/v1/context?phone=${phone/+/%2B}&channel=ivr&audience=agent"
  http_id=$(check context "$phone" "$email" <"$run/body") || fail "agent context for $phone"
  [[ $http_id == "$cli_id" ]] || fail "GET /v1/context found $http_id, the CLI $cli_id"
  http 200 -u "$key:" "$url/v1/context?phone=${phone/+/%2B}&channel=ivr&format=flat"
  check flat "$phone" <"$run/body" || fail "GET /v1/context?format=flat for $phone"
done
http 403 -u "$key:" "$url/v1/context?phone=%2B33612345678&audience=public_web"
http 400 -u "$key:" "$url/v1/context?phone=%2B33612345678&audience=root"
ok "timeline, lookup and GET /v1/context (json, flat; ivr and agent audiences) show both stories"

# ---- 2. The HTTP answers ----
track='{"type":"track","userId":"curl-1","event":"Order Completed","messageId":"curl-m1"}'
http 401 -d "$track" "$url/v1/track"
http 401 -u wrong-key: -d "$track" "$url/v1/track"
http 401 "$url/v1/context?phone=%2B33612345678"
check reply success=false <"$run/body" || fail "401 body"
http 200 -d "{\"writeKey\":\"$key\",${track:1}" "$url/v1/track"
check reply success=true imported=1 <"$run/body" || fail "writeKey in the body"
http 200 -u "$key:" -d "$track" "$url/v1/track"
check reply success=true imported=0 duplicates=1 <"$run/body" || fail "a resent messageId"
ok "401 without the write key; the key works as Basic user or as writeKey in the body"

http 400 -u "$key:" -d '{"type":"track",' "$url/v1/track"
check reply success=false "error=body: invalid JSON at byte 16" <"$run/body" || fail "bad JSON"
http 400 -u "$key:" -d '{"batch":[{"type":"track","event":"E"}]}' "$url/v1/batch"
check reply success=false refused=1 <"$run/body" || fail "a batch whose messages are all refused"
http 200 -u "$key:" \
  -d '{"batch":[{"type":"track","event":"E"},{"type":"identify","userId":"curl-1"}]}' \
  "$url/v1/batch"
check reply success=true imported=1 refused=1 <"$run/body" || fail "a batch with one refusal"
http 400 -u "$key:" "$url/v1/context?phone=%2B33612345678&format=xml"
http 404 -u "$key:" -d '{}' "$url/v1/nowhere"
ok "400 for bad JSON, all-refused batches and bad queries; 200 listing a batch's refusals"

printf '%s' "$track" | sed 's/curl-m1/curl-gz/' | gzip >"$run/track.gz"
http 200 -u "$key:" -H 'Content-Encoding: gzip' --data-binary @"$run/track.gz" "$url/v1/track"
check reply success=true imported=1 <"$run/body" || fail "a gzip body"
head -c 600000 /dev/zero | tr '\0' ' ' >"$run/big.json"
http 413 -u "$key:" --data-binary @"$run/big.json" "$url/v1/batch"
head -c 20000000 /dev/zero | tr '\0' ' ' | gzip -9 >"$run/bomb.gz"
(($(stat -c %s "$run/bomb.gz") < 100000)) || fail "the gzip bomb is not small"
http 413 -u "$key:" -H 'Content-Encoding: gzip' --data-binary @"$run/bomb.gz" "$url/v1/batch"
http 400 -u "$key:" -H 'Content-Encoding: gzip' -d 'not gzip' "$url/v1/batch"
http 415 -u "$key:" -H 'Content-Encoding: compress' -d '{}' "$url/v1/batch"
ok "gzip bodies accepted; 413 over 500 KB (also after decompression: gzip bomb), 415"

# ---- 3. SIGTERM with requests in flight: every 200 is stored ----
batches=12
per_batch=100
for i in $(seq "$batches"); do
  {
    printf '{"batch":[{"type":"identify","userId":"load-%d","traits":{"email":"load-%d@example.com"}}' "$i" "$i"
    for j in $(seq "$per_batch"); do
      printf ',{"type":"track","userId":"load-%d","event":"Load Test","messageId":"load-%d-%d"}' "$i" "$i" "$j"
    done
    printf ']}'
  } >"$run/load-$i.json"
done
for i in $(seq "$batches"); do
  curl -s --max-time 30 -o /dev/null -w '%{http_code}' -u "$key:" \
    --data-binary @"$run/load-$i.json" "$url/v1/batch" >"$run/status-$i" 2>/dev/null &
done
# Stop once the first batch is acknowledged, while the others are in flight.
for _ in $(seq 300); do
  grep -qx 200 "$run"/status-* 2>/dev/null && break
  sleep 0.1
done
grep -qx 200 "$run"/status-* || fail "no load batch acknowledged within 30 s"
stop_server
wait  # the curls
acked=0
for i in $(seq "$batches"); do
  [[ $(cat "$run/status-$i") == 200 ]] || continue
  acked=$((acked + 1))
  n=$("$omnictx" timeline --db "$db" --email "load-$i@example.com" --limit 1000 --json | wc -l)
  ((n == per_batch)) || fail "batch $i was acknowledged but $n of $per_batch events are stored"
done
ok "SIGTERM: exit 0; all $acked acknowledged batches of $batches are stored in full"

"$omnictx" check --db "$db" >/dev/null || fail "omnictx check after shutdown"

# ---- 4. Only loopback unless --allow-remote ----
rc=0
timeout 10 "$omnictx" serve --db "$db" --listen 0.0.0.0:0 --write-key "$key" \
  2>"$run/remote.err" </dev/null || rc=$?
((rc == 2)) || fail "serve --listen 0.0.0.0:0 exited $rc, want 2 (usage)"
grep -q "not a loopback address" "$run/remote.err" || fail "no loopback message"
ok "a non-loopback --listen is refused without --allow-remote"

echo "serve test: PASS"
