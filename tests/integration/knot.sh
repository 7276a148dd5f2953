# SPDX-License-Identifier: GPL-3.0-or-later
# A private Knot DNS for integration tests: config, rundir and storage under $WORK/knot,
# a free loopback port, the country's zone under e164.arpa with SOA and NS, a TSIG key
# that may UPDATE the zone (and AXFR it, for checking). Source after lib.sh.
# start_knot sets KNOT_PORT, KNOT_ZONE, KNOT_KEY, KNOT_SECRET; stop_knot/start_knot again
# keep the zone's data (the journal), so a test can take the server down and back.
KNOTD=${KNOTD:-$(command -v knotd || echo /usr/sbin/knotd)}

have_knot() { [ -x "$KNOTD" ] && command -v kdig >/dev/null; }

knot_setup() {
  local cc=${1:-1} dir="$WORK/knot"
  KNOT_DIR=$dir
  KNOT_PORT=${KNOT_PORT:-$(free_port)}
  KNOT_ZONE=$(echo "$cc" | rev | sed 's/./&./g')e164.arpa
  KNOT_KEY=npgw-test-key
  KNOT_SECRET=$(head -c 32 /dev/urandom | base64)
  mkdir -p "$dir/run" "$dir/db" "$dir/zones"
  cat >"$dir/zones/$KNOT_ZONE.zone" <<ZONE
\$ORIGIN $KNOT_ZONE.
\$TTL 300
@ SOA ns1.npgw.example. hostmaster.npgw.example. 1 3600 600 86400 300
@ NS ns1.npgw.example.
ZONE
  cat >"$dir/knot.conf.in" <<CONF
server:
    rundir: "$dir/run"
    pidfile: "$dir/run/knot.pid"
    listen: 127.0.0.1@$KNOT_PORT
    udp-workers: 1
    tcp-workers: 2
    background-workers: 1
log:
  - target: "$dir/knot.log"
    any: info
database:
    storage: "$dir/db"
control:
    listen: "$dir/run/knot.sock"
key:
  - id: $KNOT_KEY
    algorithm: hmac-sha256
    secret: $KNOT_SECRET
acl:
  - id: npgw_update
    key: $KNOT_KEY
    action: update
  - id: local_transfer
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "$dir/zones"
    zonefile-sync: -1
    zonefile-load: @LOAD@
    journal-content: all
zone:
  - domain: $KNOT_ZONE
    acl: [npgw_update, local_transfer]
CONF
}

# knot_start: run knotd and wait until it serves the zone's SOA.
knot_start() {
  # The zone file the first time; then the zone as the journal holds it (UPDATEs included).
  local load=whole; [ -e "$KNOT_DIR/started" ] && load=none
  sed "s/@LOAD@/$load/" "$KNOT_DIR/knot.conf.in" >"$KNOT_DIR/knot.conf"
  touch "$KNOT_DIR/started"
  "$KNOTD" -c "$KNOT_DIR/knot.conf" >>"$KNOT_DIR/knotd.out" 2>&1 &
  KNOT_PID=$!
  for _ in $(seq 1 100); do
    kdig +short +timeout=1 +retry=0 @127.0.0.1 -p "$KNOT_PORT" SOA "$KNOT_ZONE" 2>/dev/null | grep -q hostmaster && return 0
    kill -0 "$KNOT_PID" 2>/dev/null || { diag "knotd exited"; sed 's/^/# /' "$KNOT_DIR/knotd.out" "$KNOT_DIR/knot.log" 2>/dev/null | tail -n 20; return 1; }
    sleep 0.1
  done
  return 1
}

stop_knot() { [ -n "${KNOT_PID:-}" ] && kill "$KNOT_PID" 2>/dev/null && wait "$KNOT_PID" 2>/dev/null; KNOT_PID=""; return 0; }

# start_knot [COUNTRY_CODE]: set up (once) and start; stopped by the test's cleanup.
start_knot() {
  [ -n "${KNOT_DIR:-}" ] || knot_setup "${1:-1}"
  add_cleanup stop_knot
  knot_start
}

# knot_naptr OWNER: the NAPTR RDATA Knot serves at OWNER (empty when none).
knot_naptr() { kdig +short +timeout=2 @127.0.0.1 -p "$KNOT_PORT" NAPTR "$1"; }

# knot_axfr: every NAPTR of the zone as "owner<TAB>rdata" lines, sorted.
knot_axfr() {
  kdig +timeout=5 +nocomments +noclass @127.0.0.1 -p "$KNOT_PORT" AXFR "$KNOT_ZONE" |
    awk '$3 == "NAPTR" { o = $1; $1 = $2 = $3 = ""; sub(/^ +/, ""); print o "\t" $0 }' | sort
}

# conf_add_dns [SECRET]: point npgwd's [dns] at this Knot (the key's secret, or another).
conf_add_dns() {
  conf_add dns "servers = 127.0.0.1:$KNOT_PORT" "zone = $KNOT_ZONE" "tsig_name = $KNOT_KEY" \
    "tsig_secret = ${1:-$KNOT_SECRET}" "timeout = 5"
}

# start_knot_secondary ZONE KEYFILE PORT...: a second Knot DNS (own dir, port $KNOT2_PORT) that is
# a secondary of ZONE: it transfers the zone from the npenumd on each PORT in turn (TSIG key
# from KEYFILE, "hmac-sha256:name:base64"), accepts their signed NOTIFY, keeps what it gets in
# its journal; anyone on loopback may AXFR it, to check. knot2_serial ZONE prints the serial it
# serves; stop_knot_secondary stops it.
start_knot_secondary() {
  local zone=$1 keyfile=$2 dir="$WORK/knot2" alg name secret remotes="" ids="" i=0
  shift 2
  IFS=: read -r alg name secret <"$keyfile"
  KNOT2_DIR=$dir
  KNOT2_PORT=${KNOT2_PORT:-$(free_port)}
  mkdir -p "$dir/run" "$dir/db" "$dir/zones"
  for p in "$@"; do
    i=$((i + 1))
    remotes="$remotes  - id: npenumd$i
    address: 127.0.0.1@$p
    key: $name
"
    ids="$ids${ids:+, }npenumd$i"
  done
  cat >"$dir/knot.conf" <<CONF
server:
    rundir: "$dir/run"
    pidfile: "$dir/run/knot.pid"
    listen: 127.0.0.1@$KNOT2_PORT
    udp-workers: 1
    tcp-workers: 2
    background-workers: 1
log:
  - target: "$dir/knot.log"
    any: info
database:
    storage: "$dir/db"
control:
    listen: "$dir/run/knot.sock"
key:
  - id: $name
    algorithm: $alg
    secret: $secret
remote:
$remotes
acl:
  - id: npenumd_notify
    address: 127.0.0.1
    key: $name
    action: notify
  - id: local_transfer
    address: 127.0.0.1
    action: transfer
template:
  - id: default
    storage: "$dir/zones"
    zonefile-sync: -1
    zonefile-load: none
    journal-content: changes
zone:
  - domain: $zone
    master: [$ids]
    acl: [npenumd_notify, local_transfer]
CONF
  "$KNOTD" -c "$dir/knot.conf" >>"$dir/knotd.out" 2>&1 &
  KNOT2_PID=$!
  add_cleanup stop_knot_secondary
  for _ in $(seq 1 100); do
    [ -S "$dir/run/knot.sock" ] && return 0
    kill -0 "$KNOT2_PID" 2>/dev/null || { diag "knotd exited"; sed 's/^/# /' "$dir/knotd.out" "$dir/knot.log" 2>/dev/null | tail -n 20; return 1; }
    sleep 0.1
  done
  return 1
}
stop_knot_secondary() { [ -n "${KNOT2_PID:-}" ] && kill "$KNOT2_PID" 2>/dev/null && wait "$KNOT2_PID" 2>/dev/null; KNOT2_PID=""; return 0; }
knot2_serial() { kdig +short +timeout=1 +retry=0 @127.0.0.1 -p "$KNOT2_PORT" SOA "$1" 2>/dev/null | awk '{print $3}'; }
