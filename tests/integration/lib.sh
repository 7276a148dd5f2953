# SPDX-License-Identifier: GPL-3.0-or-later
# Shared helpers for integration tests: TAP output, a private database on the
# test MariaDB that scripts/test started, free ports, and npgwd start/stop.
# Environment from scripts/test: NPGW_TEST_DB_SOCKET (required), NPGW_TEST_REQUIRE=1
# to turn a skip into a failure.
set -u
: "${top_srcdir:?}" "${top_builddir:?}"
TAP_N=0
TAP_FAILED=0
TEST_NAME=$(basename "$0" .test)
WORK=$(mktemp -d "/tmp/npgw-it-$TEST_NAME-XXXXXX")
CLEANUPS=""

plan() { echo "1..$1"; }
ok() { TAP_N=$((TAP_N + 1)); echo "ok $TAP_N - $*"; }
not_ok() { TAP_N=$((TAP_N + 1)); TAP_FAILED=$((TAP_FAILED + 1)); echo "not ok $TAP_N - $*"; }
# check "description" command...: one TAP line from a command's exit status
check() {
  local d=$1; shift
  echo >>"$WORK/check.log" # output that ends without a newline must not run into the TAP line
  if "$@" >>"$WORK/check.log" 2>&1; then ok "$d"; else not_ok "$d"; tail -n 20 "$WORK/check.log" | sed 's/^/# /'; fi
}
# is "description" actual expected
is() { if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1"; echo "#   got:      '$2'"; echo "#   expected: '$3'"; fi; }
diag() { echo "# $*"; }

skip_all() {
  if [ "${NPGW_TEST_REQUIRE:-0}" = 1 ]; then echo "1..1"; echo "not ok 1 - required but skipped: $*"; exit 1; fi
  echo "1..0 # SKIP $*"; exit 0
}

# A sanitizer build (configure --enable-sanitizers): every process a test starts writes its
# ASan, UBSan and LeakSanitizer reports (leaks at exit) under $WORK/san. After the cleanups
# stopped the daemons, a report fails the test, whatever its TAP lines said.
if [ "${NPGW_SANITIZERS:-no}" = yes ]; then
  mkdir -p "$WORK/san"
  export ASAN_OPTIONS="log_path=$WORK/san/asan:detect_leaks=1:${ASAN_OPTIONS:-}"
  export UBSAN_OPTIONS="log_path=$WORK/san/ubsan:print_stacktrace=1:${UBSAN_OPTIONS:-}"
  export LSAN_OPTIONS="suppressions=$top_srcdir/tests/lsan.supp:print_suppressions=0:${LSAN_OPTIONS:-}"
fi
sanitizer_reports() {
  local f found=1
  for f in "$WORK"/san/*; do
    [ -s "$f" ] || continue
    found=0
    echo "# sanitizer report ${f##*/}:"
    head -n 60 "$f" | sed 's/^/#   /'
  done
  return $found
}
# NPGW_KEEP_WORK=DIR: keep a copy of each test's work folder (configuration, logs, the
# database's error log) in DIR/TEST_NAME, to read after a failure.
on_exit() {
  local rc=$?
  for c in $CLEANUPS; do $c || true; done
  [ -n "${NPGW_KEEP_WORK:-}" ] && mkdir -p "$NPGW_KEEP_WORK" && cp -r "$WORK" "$NPGW_KEEP_WORK/$TEST_NAME"
  if [ -d "$WORK/san" ] && sanitizer_reports; then
    echo "Bail out! a process this test started reported to a sanitizer (above)"
    rc=1
  fi
  rm -rf "$WORK"
  exit $rc
}
trap on_exit EXIT
add_cleanup() { CLEANUPS="$1 $CLEANUPS"; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

NPGWD="$top_builddir/src/npgwd/npgwd"
NPGWCTL="$top_builddir/src/npgwctl/npgwctl"

# A fresh database on the test server and a config file pointing at it: $CONF.
need_db() {
  [ -n "${NPGW_TEST_DB_SOCKET:-}" ] || skip_all "NPGW_TEST_DB_SOCKET not set (run scripts/test)"
  DB_NAME="it_${TEST_NAME//[^a-zA-Z0-9]/_}_$$"
  mariadb --no-defaults -S "$NPGW_TEST_DB_SOCKET" -u root -e "CREATE DATABASE $DB_NAME CHARACTER SET utf8mb4" || skip_all "cannot create database"
  add_cleanup drop_db
  HTTP_PORT=$(free_port)
  CONF="$WORK/npgw.conf"
  cat >"$CONF" <<CONF
[general]
country_code = 1
country_iso = XX
operator_code = CARR
xslt_dir = $top_srcdir/xslt
log_level = ${NPGW_TEST_LOG_LEVEL:-info}
[database]
socket = $NPGW_TEST_DB_SOCKET
user = root
name = $DB_NAME
pool_size = 4
migrations_dir = $top_srcdir/db
[http]
listen = 127.0.0.1
port = $HTTP_PORT
threads = 4
wsdl_dir = $top_srcdir/wsdl
web_dir = $top_srcdir/web
swagger_ui_dir = $top_srcdir/node_modules/swagger-ui-dist
[uk]
bank_holidays_file = $top_srcdir/conf/uk-bank-holidays.txt
[npac]
holidays_file = $top_srcdir/conf/npac-holidays.txt


[metrics]
# tests run side by side: a test that scrapes sets its own ports (use_metrics)
port = 0
enum_port = 0
CONF
}
drop_db() { mariadb --no-defaults -S "$NPGW_TEST_DB_SOCKET" -u root -e "DROP DATABASE IF EXISTS $DB_NAME"; }
sql() { mariadb --no-defaults -S "$NPGW_TEST_DB_SOCKET" -u root -N -B "$DB_NAME" -e "$1"; }

# Start npgwd with $CONF (or $1) and wait for /health to answer.
start_npgwd() {
  local conf=${1:-$CONF}
  "$NPGWD" -c "$conf" >>"$WORK/npgwd.log" 2>&1 &
  NPGWD_PID=$!
  add_cleanup stop_npgwd
  for _ in $(seq 1 100); do
    curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/health" && return 0
    kill -0 "$NPGWD_PID" 2>/dev/null || { diag "npgwd exited"; sed 's/^/# /' "$WORK/npgwd.log"; return 1; }
    sleep 0.1
  done
  return 1
}
stop_npgwd() { [ -n "${NPGWD_PID:-}" ] && kill "$NPGWD_PID" 2>/dev/null && wait "$NPGWD_PID" 2>/dev/null; NPGWD_PID=""; return 0; }

finish() { [ "$TAP_FAILED" -eq 0 ]; exit $?; }

# --- metrics ---------------------------------------------------------------------
# use_metrics: npgwd's and npenumd's metrics listeners on free ports ($METRICS_PORT,
# $ENUM_METRICS_PORT); call before starting them.
use_metrics() {
  METRICS_PORT=$(free_port) ENUM_METRICS_PORT=$(free_port)
  conf_add metrics "port = $METRICS_PORT" "enum_port = $ENUM_METRICS_PORT"
}
# metric PORT 'name{label="v",...}': the sample's value as exposed (empty when absent)
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v s="$2" 'index($0, s " ") == 1 { print $2; exit }'; }

# --- porting fixtures ----------------------------------------------------------
# Migrate, add CARR (us), DONOR and OTHER with home ranges, and a clearinghouse key ($CHKEY).
setup_porting() {
  "$NPGWCTL" -c "$CONF" db migrate >/dev/null 2>&1 || return 1
  "$NPGWCTL" -c "$CONF" operator add CARR --rn 1990001 --ims-domain ims.carr.example --self >/dev/null
  "$NPGWCTL" -c "$CONF" operator add DONOR --rn 1990002 --ims-domain ims.donor.example >/dev/null
  "$NPGWCTL" -c "$CONF" operator add OTHER --rn 1990003 --ims-domain ims.other.example --naptr tel >/dev/null
  "$NPGWCTL" -c "$CONF" range add CARR 5551000 5551999 >/dev/null
  "$NPGWCTL" -c "$CONF" range add DONOR 5550000 5550999 >/dev/null
  "$NPGWCTL" -c "$CONF" range add OTHER 5552000 5552999 >/dev/null
  CHKEY=$("$NPGWCTL" -c "$CONF" key create clearinghouse pxs | cut -d' ' -f2)
  # the simulators read the clearinghouse's key from a file: no key on a command line
  CHKEY_FILE="$WORK/ch-credentials"
  (umask 077; echo "pxs $CHKEY" >"$CHKEY_FILE")
}

# Append settings to $CONF: conf_add SECTION "key = value"...
conf_add() { local sec=$1; shift; { echo "[$sec]"; printf '%s\n' "$@"; } >>"$CONF"; }

# pxs_envelope ELEMENT MSGIDENTIFIER MESSAGEID [INNER-XML]: a PortingXS SOAP envelope on stdout.
pxs_envelope() {
  cat <<XML
<?xml version="1.0" encoding="UTF-8"?>
<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:pxs="urn:npgw:portingxs:1"><SOAP-ENV:Body><pxs:$1><pxs:Header><pxs:MessageId>$3</pxs:MessageId><pxs:MessageIdentifier>$2</pxs:MessageIdentifier><pxs:Timestamp>2026-01-15T10:30:00Z</pxs:Timestamp><pxs:SenderOperator>PXS</pxs:SenderOperator><pxs:ReceiverOperator>CARR</pxs:ReceiverOperator></pxs:Header>${4:-}</pxs:$1></SOAP-ENV:Body></SOAP-ENV:Envelope>
XML
}

# pxs_deliver ELEMENT MSGIDENTIFIER MESSAGEID [INNER-XML]: POST it to the receiver as the
# clearinghouse; prints the acknowledgement Status or "fault: reason"; sets $DELIVER_CODE.
pxs_deliver() {
  local out
  out=$(pxs_envelope "$@" | curl -s -u "$CHKEY" -H 'Content-Type: text/xml; charset=utf-8' \
    --data-binary @- -w '\n%{http_code}' "http://127.0.0.1:$HTTP_PORT/np_api/pxs/recv/")
  DELIVER_CODE=$(echo "$out" | tail -n1)
  if echo "$out" | grep -q '<pxs:Status>'; then
    echo "$out" | sed -n 's/.*<pxs:Status>\([^<]*\)<.*/\1/p'
  else
    echo "fault: $(echo "$out" | sed -n 's/.*<faultstring>\([^<]*\)<.*/\1/p')"
  fi
}

# Port state, number of events and the failure reason of a port-in (or out with 'out').
port_field() { # port_field MSGIDENTIFIER FIELD [in|out]
  local cmd=port-in; [ "${3:-in}" = out ] && cmd=port-out
  "$NPGWCTL" -c "$CONF" "$cmd" show "$1" 2>/dev/null | python3 -c "import json,sys; v=json.load(sys.stdin).get('$2'); print(len(v) if isinstance(v, list) else ('null' if v is None else v))"
}
applied_events() { # applied_events MSGIDENTIFIER: events that changed state
  "$NPGWCTL" -c "$CONF" port-in show "$1" | python3 -c 'import json,sys; print(sum(1 for e in json.load(sys.stdin)["events"] if e["applied"]))'
}
# wait_for "description" SECONDS command...: poll until the command succeeds
wait_until() { local s=$1; shift; for _ in $(seq 1 $((s * 10))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done; return 1; }
state_is() { [ "$(port_field "$1" PortingStateString "${3:-in}")" = "$2" ]; }
# passed_through MSGIDENTIFIER STATE_VALUE [in|out]: an applied event entered that state (it may have moved on)
passed_through() {
  local cmd=port-in; [ "${3:-in}" = out ] && cmd=port-out
  "$NPGWCTL" -c "$CONF" "$cmd" show "$1" 2>/dev/null | python3 -c "import json,sys; sys.exit(0 if any(e['applied'] and e['to_state'] == $2 for e in json.load(sys.stdin)['events']) else 1)"
}
create_port_in() { # create_port_in FROM TO [extra args]: prints the msgidentifier
  local from=$1 to=$2; shift 2
  "$NPGWCTL" -c "$CONF" port-in create --from "$from" --to "$to" --email ops@example.com --account "${ACCOUNT:-Prepaid}" "$@"
}

# --- npsim ---------------------------------------------------------------------------
NPSIM="$top_builddir/src/npsim/npsim"
# Point npgwd at a simulator port; call before start_npgwd.
use_npsim() {
  SIM_PORT=$(free_port)
  conf_add pxs "clearinghouse_url = http://127.0.0.1:$SIM_PORT/pxs"
  conf_add outbox "retry_base_ms = 100" "retry_max_ms = 1000" "poll_ms = 50"
}
# start_npsim [--rule 'MATCH ACTIONS']...: the clearinghouse, delivering to our receiver.
start_npsim() {
  "$NPSIM" -c "$CONF" pxs --port "$SIM_PORT" --gateway "http://127.0.0.1:$HTTP_PORT/np_api/pxs/recv/" \
    --key-file "$CHKEY_FILE" --delay "${SIM_DELAY:-100}" --retry-max 60 "$@" \
    >>"$WORK/npsim.log" 2>&1 &
  NPSIM_PID=$!
  add_cleanup stop_npsim
  wait_until 5 curl -sf "http://127.0.0.1:$SIM_PORT/health"
}
stop_npsim() { [ -n "${NPSIM_PID:-}" ] && kill "$NPSIM_PID" 2>/dev/null && wait "$NPSIM_PID" 2>/dev/null; NPSIM_PID=""; return 0; }
sim_log() { curl -s "http://127.0.0.1:$SIM_PORT/pxs/log"; }
# How many distinct messages of a type npsim received, and the highest receive count of any.
sim_received() { sim_log | python3 -c "import json,sys; m=[x for x in json.load(sys.stdin)['messages'] if x['direction']=='received' and x['type']=='$1']; print(len(m), max([x['count'] for x in m] or [0]))"; }
routed_to() { # routed_to FIRST LAST OPERATOR: how many numbers of the range route to OPERATOR
  sql "SELECT COUNT(*) FROM routing r JOIN operators o ON o.id = r.operator_id WHERE r.number BETWEEN $1 AND $2 AND o.code = '$3'"
}

# --- npenumd ---------------------------------------------------------------------------
NPENUMD="$top_builddir/src/npenumd/npenumd"
# start_npenumd: on a free port ($ENUM_PORT), following changes every 50 ms.
start_npenumd() {
  ENUM_PORT=$(free_port)
  conf_add enum "port = $ENUM_PORT" "follow_ms = 50" "${ENUM_EXTRA[@]:-}"
  "$NPENUMD" -c "$CONF" >>"$WORK/npenumd.log" 2>&1 &
  NPENUMD_PID=$!
  add_cleanup stop_npenumd
  wait_until 30 sh -c "kdig @127.0.0.1 -p $ENUM_PORT +timeout=1 +retry=0 SOA 1.e164.arpa | grep -q NOERROR"
}
stop_npenumd() { [ -n "${NPENUMD_PID:-}" ] && kill "$NPENUMD_PID" 2>/dev/null && wait "$NPENUMD_PID" 2>/dev/null; NPENUMD_PID=""; return 0; }
# enum_name 15550100 -> 0.0.1.0.5.5.5.1.e164.arpa
enum_name() { echo "$1" | rev | sed 's/./&./g'; echo "e164.arpa"; }
# naptr SERVER_PORT NUMBER: the NAPTR answer's regexp, or the status when there is none
naptr() {
  local out; out=$(kdig @127.0.0.1 -p "$1" +timeout=2 +retry=1 NAPTR "$(enum_name "$2" | tr -d '\n')")
  echo "$out" | grep -q 'status: NOERROR' && echo "$out" | grep -E '\sNAPTR\s' | grep -v '^;' | sed -n 's/.*"\(![^"]*!\)".*/\1/p' | head -n1 | grep . \
    || echo "$out" | sed -n 's/.*status: \([A-Z]*\).*/\1/p'
}
# --- UK: npsim uk and the BSS PortIn service -------------------------------------------
# A test clock both npgwd ([uk] test_clock_file) and npsim uk read: set_clock 2030-03-05T10:00:00Z
set_clock() { echo "$1" >"$WORK/uk-clock"; }
# Point npgwd's [uk] section at an npsim uk port and the test clock; call before start_npgwd.
use_npsim_uk() {
  UK_PORT=$(free_port)
  set_clock "${1:-2030-03-05T10:00:00Z}"
  conf_add uk "platform_url = http://127.0.0.1:$UK_PORT/uk" "test_clock_file = $WORK/uk-clock" \
    "bank_holidays = ${UK_HOLIDAYS-2030-03-08}" "connect_timeout = 2" "io_timeout = 5"
  BSSKEY=$("$NPGWCTL" -c "$CONF" key create bss admin | cut -d' ' -f2)
}
# start_npsim_uk [--pac PAC:NUMBER:DONOR:ISSUED]... [--unavailable DATE]... [--refuse OP]
start_npsim_uk() {
  "$NPSIM" -c "$CONF" uk --port "$UK_PORT" --clock-file "$WORK/uk-clock" \
    --gateway "http://127.0.0.1:$HTTP_PORT/np_api/uk/notify" --key-file "$CHKEY_FILE" \
    "$@" >>"$WORK/npsim-uk.log" 2>&1 &
  NPSIM_UK_PID=$!
  add_cleanup stop_npsim_uk
  wait_until 5 curl -sf "http://127.0.0.1:$UK_PORT/health"
}
stop_npsim_uk() { [ -n "${NPSIM_UK_PID:-}" ] && kill "$NPSIM_UK_PID" 2>/dev/null && wait "$NPSIM_UK_PID" 2>/dev/null; NPSIM_UK_PID=""; return 0; }
# uk OPERATION [name=value]...: call npgwd's PortIn service with zeep; prints the JSON result line.
uk() { /usr/bin/python3 "$top_srcdir/tests/integration/uk_client.py" "http://127.0.0.1:$HTTP_PORT" "$BSSKEY" "$@" 2>>"$WORK/zeep.log"; }
# jf JSON FIELD: one field of a JSON line ("null" when absent)
jf() { echo "$1" | /usr/bin/python3 -c "import json,sys; v=json.load(sys.stdin).get('$2'); print('null' if v is None else (str(v).lower() if isinstance(v, bool) else v))"; }
# --- NPAC: npsim npac, the US business-day calendar and its test clock ------------------
# A test clock both npgwd ([npac] test_clock_file) and npsim npac read: set_npac_clock 2030-03-06T15:00:00Z
set_npac_clock() { echo "$1" >"$WORK/npac-clock"; }
# NANP numbers for NPAC ports: CARR 312-555-0xxx, DONOR 212-555-0xxx, OTHER 415-555-0xxx (home ranges).
setup_npac() {
  setup_porting || return 1
  "$NPGWCTL" -c "$CONF" range add CARR 3125550000 3125550999 fixed >/dev/null
  "$NPGWCTL" -c "$CONF" range add DONOR 2125550000 2125550999 fixed >/dev/null
  "$NPGWCTL" -c "$CONF" range add OTHER 4155550000 4155550999 mobile >/dev/null
}
# Make npac the deployment's clearinghouse, pointed at an npsim npac port and the test clock
# (a Wednesday, 09:00 in Chicago, by default); call before start_npgwd. NPAC_EXTRA: more settings.
use_npsim_npac() {
  NPAC_PORT=$(free_port)
  set_npac_clock "${1:-2030-03-06T15:00:00Z}"
  conf_add general "clearinghouse = npac"
  conf_add npac "url = http://127.0.0.1:$NPAC_PORT/npac" "lrn = ${NPAC_LRN:-3125550001}" \
    "test_clock_file = $WORK/npac-clock" "holidays_file = " "holidays = ${NPAC_HOLIDAYS-}" \
    "connect_timeout = 2" "io_timeout = 5" "recovery_interval = ${NPAC_RECOVERY_INTERVAL:-300}" \
    "${NPAC_EXTRA[@]:-}"
  conf_add outbox "retry_base_ms = 100" "retry_max_ms = 1000" "poll_ms = 50"
}
# start_npsim_npac [--rule 'MATCH ACTIONS']...: the NPAC and the other SPs, notifying our receiver.
start_npsim_npac() {
  "$NPSIM" -c "$CONF" npac --port "$NPAC_PORT" --gateway "http://127.0.0.1:$HTTP_PORT/np_api/npac/notify" \
    --key-file "$CHKEY_FILE" --clock-file "$WORK/npac-clock" \
    --delay "${NPAC_DELAY:-150}" --retry-max "${NPAC_RETRY_MAX:-30}" "$@" >>"$WORK/npsim-npac.log" 2>&1 &
  NPSIM_NPAC_PID=$!
  add_cleanup stop_npsim_npac
  wait_until 5 curl -sf "http://127.0.0.1:$NPAC_PORT/health"
}
stop_npsim_npac() { [ -n "${NPSIM_NPAC_PID:-}" ] && kill "$NPSIM_NPAC_PID" 2>/dev/null && wait "$NPSIM_NPAC_PID" 2>/dev/null; NPSIM_NPAC_PID=""; return 0; }
# npac_control ACTION QUERY: what the other SPs (or the link) do at npsim npac; prints its JSON.
npac_control() { curl -s -X POST "http://127.0.0.1:$NPAC_PORT/npac/control/$1?${2:-}"; }
npac_log() { curl -s "http://127.0.0.1:$NPAC_PORT/npac/log"; }
# npac_received OP: how many requests of that operation npsim npac received
npac_received() { npac_log | python3 -c "import json,sys; print(sum(1 for e in json.load(sys.stdin)['events'] if e['what']=='received' and e['op']=='$1'))"; }
# sv_field MSGIDENTIFIER FIELD: one field of `npgwctl npac show`
sv_field() { "$NPGWCTL" -c "$CONF" npac show "$1" 2>/dev/null | python3 -c "import json,sys; v=json.load(sys.stdin).get('$2'); print('null' if v is None else v)"; }
