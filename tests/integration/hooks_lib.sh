# SPDX-License-Identifier: GPL-3.0-or-later
# Helpers of the hook tests (sourced after lib.sh): the stand-ins of the carrier's systems
# (hook_peers.py), a webhook receiver verifying with the standardwebhooks package, and
# readers of what they received.
PEERS="$top_srcdir/tests/integration/hook_peers.py"
OPENAPI="$top_srcdir/docs/integrations.openapi.json"
NODE_PATH="$top_srcdir/node_modules"
export NODE_PATH

# start_peer bss|cgrates|sms [args]: sets BSS_PORT, CGR_PORT or SMS_PORT; its URL in *_URL.
start_peer() {
  local role=$1 port; shift
  port=$(free_port)
  case $role in
    bss) python3 "$PEERS" bss "$port" "$OPENAPI" "$@" >>"$WORK/peer-bss.log" 2>&1 & BSS_PORT=$port; BSS_PID=$!
      BSS_URL="http://127.0.0.1:$port/eligibility"; add_cleanup stop_bss ;;
    cgrates) python3 "$PEERS" cgrates "$port" "$@" >>"$WORK/peer-cgr.log" 2>&1 & CGR_PORT=$port; CGR_PID=$!
      CGR_URL="http://127.0.0.1:$port/jsonrpc"; add_cleanup stop_cgr ;;
    sms) python3 "$PEERS" sms "$port" "$OPENAPI" "$@" >>"$WORK/peer-sms.log" 2>&1 & SMS_PORT=$port; SMS_PID=$!
      SMS_URL="http://127.0.0.1:$port/sms"; add_cleanup stop_sms ;;
  esac
  wait_until 10 curl -sf "http://127.0.0.1:$port/log"
}
stop_bss() { [ -n "${BSS_PID:-}" ] && kill "$BSS_PID" 2>/dev/null; BSS_PID=""; return 0; }
stop_cgr() { [ -n "${CGR_PID:-}" ] && kill "$CGR_PID" 2>/dev/null; CGR_PID=""; return 0; }
stop_sms() { [ -n "${SMS_PID:-}" ] && kill "$SMS_PID" 2>/dev/null; SMS_PID=""; return 0; }
peer_log() { curl -s "http://127.0.0.1:$1/log"; }
peer_control() { curl -s -X POST -d "$2" "http://127.0.0.1:$1/control"; }

# start_receiver NAME SECRET [--fail-first-attempt] [--delay MS]: a verifying receiver;
# its port in RECV_PORT_<NAME>.
start_receiver() {
  local name=$1 secret=$2 port; shift 2
  port=$(free_port)
  (umask 077; echo "$secret" >"$WORK/recv-$name.secret")
  node "$top_srcdir/scripts/webhook-receiver.mjs" "$port" "$WORK/recv-$name.secret" "$@" >>"$WORK/recv-$name.log" 2>&1 &
  eval "RECV_PORT_$name=$port RECV_PID_$name=$!"
  add_cleanup "stop_receiver_$name"
  eval "stop_receiver_$name() { kill \$RECV_PID_$name 2>/dev/null; return 0; }"
  wait_until 10 curl -sf "http://127.0.0.1:$port/log"
}
recv_log() { curl -s "http://127.0.0.1:$1/log"; }

# recv_types PORT [MSGIDENTIFIER]: the event types a receiver acknowledged (2xx, verified), in
# order of arrival, first delivery of each id only; for one port when MSGIDENTIFIER is given.
recv_types() {
  recv_log "$1" | python3 -c '
import json, sys
want = sys.argv[1] if len(sys.argv) > 1 else ""
seen = set(); out = []
for d in json.load(sys.stdin):
    if not d["verified"] or d["status"] >= 300 or d["id"] in seen:
        continue
    b = json.loads(d["body"])
    if want and b["data"].get("msgidentifier") != want:
        continue
    seen.add(d["id"]); out.append(b["type"])
print(" ".join(out))' ${2:+"$2"}
}
# The number of deliveries that verified, and of those that did not.
recv_verified() { recv_log "$1" | python3 -c 'import json,sys; l=json.load(sys.stdin); print(sum(d["verified"] for d in l), sum(not d["verified"] for d in l))'; }
# types_are PORT MSGIDENTIFIER|"" "TYPES": the receiver acknowledged exactly these, in order.
types_are() { [ "$(recv_types "$1" ${2:+"$2"})" = "$3" ]; }
# types_have PORT "TYPES": these appear together, in order, among all it acknowledged.
types_have() { recv_types "$1" | grep -q "$2"; }
# log_has PORT PYTHON-EXPRESSION: some logged delivery d (body b parsed) makes it true.
log_has() { recv_log "$1" | python3 -c "
import json, sys
sys.exit(0 if [d for d in json.load(sys.stdin) for b in [json.loads(d['body'])] if $2] else 1)"; }
