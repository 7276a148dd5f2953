#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Several npgwd on a Galera cluster: concurrent port flows of every kind through npsim, spread
over npgwd instances that each use a different node, while npgwd instances are killed with
SIGKILL and Galera nodes are stopped (cleanly or killed) and brought back; then the checks of
tests/chaos/chaos.py (final states, nothing applied twice, each request reached the
clearinghouse once, no acknowledged request lost, nothing left over) and these:

  - every node holds the same data (CHECKSUM TABLE of the port, routing and outbox tables);
  - the routing change log has no hole (ids are one counter, in commit order);
  - npenumd instances following different nodes answer every ported number alike, with the
    same SOA serial, and a completed port-in's numbers route to us.

It starts the cluster (tests/galera/cluster.py), npsim pxs, npsim uk, the npgwd instances with a
small TCP balancer in front of them (as a load balancer would: a connection goes to the next
instance that accepts it), and the npenumd instances, all on loopback, under a work directory it
removes afterwards (--keep leaves it). The flows are chaos.py's, imported unchanged. Output: TAP,
a JSON summary as the last (comment) line; exit status 0 only when every check held.
"""
import argparse
import collections
import json
import traceback
import os
import random
import secrets
import select
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "chaos"))
sys.path.insert(0, HERE)
import chaos  # noqa: E402
from cluster import Cluster  # noqa: E402

TABLES = ["port_in", "port_in_ranges", "port_in_events", "port_out", "port_out_events",
          "routing", "routing_changes", "outbox", "inbound_messages", "number_locks"]


class Balancer(threading.Thread):
    """Round robin over the npgwd instances; an instance that refuses is passed over."""

    def __init__(self, port, backends):
        super().__init__(daemon=True)
        self.backends, self.next = backends, 0
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(256)

    def run(self):
        while True:
            try:
                c, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self.relay, args=(c,), daemon=True).start()

    def relay(self, c):
        b = None
        for _ in range(len(self.backends)):
            port = self.backends[self.next % len(self.backends)]
            self.next += 1
            try:
                b = socket.create_connection(("127.0.0.1", port), timeout=2)
                break
            except OSError:
                b = None
        if not b:
            c.close()
            return
        b.settimeout(None)
        try:
            pair = {c: b, b: c}
            while True:
                r, _, _ = select.select(list(pair), [], [], 120)
                if not r:
                    break
                data = r[0].recv(65536)
                if not data:
                    break
                pair[r[0]].sendall(data)
        except OSError:
            pass
        finally:
            c.close()
            b.close()


class GaleraStack(chaos.Stack):
    """chaos.Stack with a Galera cluster for MariaDB and several npgwd behind a balancer."""

    def __init__(self, a):
        super().__init__(a)
        self.cluster = Cluster(self.work, a.nodes)
        self.password = secrets.token_hex(12)
        self.gws = []  # {"port", "conf", "node", "proc"}
        self.enums = []  # {"port", "conf", "node", "proc"}
        self.gw_lock = threading.Lock()

    # --- the database -------------------------------------------------------------------------
    def sql(self, query, tries=200):
        return self.cluster.sql(query, db="chaos", tries=tries)

    def db_conf(self, node):
        others = [n for n in self.cluster.nodes if n is not node]
        return ("[database]\nhost = 127.0.0.1\nport = %d\nnodes = %s\nuser = npgw\n"
                "password = %s\nname = chaos\npool_size = 8\nmigrations_dir = %s/db\n"
                "connect_timeout = 2\nread_timeout = 20\nwrite_timeout = 20\n" %
                (node.port, ", ".join("127.0.0.1:%d" % n.port for n in others), self.password,
                 self.a.src))

    def write_conf(self, path, node, http_port, extra=""):
        with open(path, "w") as f:
            os.fchmod(f.fileno(), 0o600)  # it holds the database password
            f.write(chaos.npgwd_conf(self.a.src, self.db_conf(node), http_port, self.sim, self.uk,
                                     self.clock, self.a.answer_timeout, extra))

    def setup(self):
        self.cluster.start()
        first = self.cluster.nodes[0]
        self.cluster.sql("CREATE DATABASE chaos CHARACTER SET utf8mb4; CREATE USER 'npgw'@'127.0.0.1'"
                         " IDENTIFIED BY '%s'; GRANT ALL ON chaos.* TO 'npgw'@'127.0.0.1'" %
                         self.password, node=first)
        self.write_conf(self.conf, first, self.http)  # npgwctl and the simulators
        nodes = self.cluster.nodes
        for i in range(self.a.gateways):
            node = nodes[i % len(nodes)]
            gw = {"port": chaos.free_port(), "node": node, "proc": None,
                  "conf": self.path("npgwd%d.conf" % (i + 1)), "name": "npgwd%d" % (i + 1)}
            self.write_conf(gw["conf"], node, gw["port"])
            self.gws.append(gw)
        for i in range(self.a.enums):
            node = nodes[i % len(nodes)]
            e = {"port": chaos.free_port(), "node": node, "proc": None,
                 "conf": self.path("npenumd%d.conf" % (i + 1)), "name": "npenumd%d" % (i + 1)}
            self.enums.append(e)
        ctl = [self.bin("npgwctl"), "-c", self.conf]
        run = lambda *args: subprocess.run(ctl + list(args), check=True, capture_output=True,
                                           text=True).stdout
        run("db", "migrate")
        run("operator", "add", "CARR", "--rn", "1990001", "--ims-domain", "ims.carr.example",
            "--self")
        run("operator", "add", "DONOR", "--rn", "1990002", "--ims-domain", "ims.donor.example")
        run("operator", "add", "OTHER", "--rn", "1990003", "--ims-domain", "ims.other.example")
        run("range", "add", "DONOR", "5600000", "5799999")
        run("range", "add", "CARR", "5800000", "5999999")
        self.api_key = run("key", "create", "chaos-bss", "admin").split()[1]
        self.bss_key = self.api_key
        with open(self.path("ch-credentials"), "w") as f:
            os.fchmod(f.fileno(), 0o600)
            f.write("pxs " + run("key", "create", "clearinghouse", "pxs").split()[1] + "\n")
        with open(self.path("scenario"), "w") as f:
            f.write("* authorise,delay:%d\n" % self.a.sim_delay)
            for i, (kind, (rule, _, _)) in enumerate(chaos.KINDS.items()):
                if rule:
                    f.write("%d-%d %s,delay:%d\n" % (5600000 + i * chaos.BLOCK,
                                                     5600000 + (i + 1) * chaos.BLOCK - 1, rule,
                                                     self.a.sim_delay))
        self.set_clock("2030-03-05T10:00:00Z")
        for e in self.enums:
            with open(e["conf"], "w") as f:
                os.fchmod(f.fileno(), 0o600)
                f.write("[general]\ncountry_code = 1\nlog_level = notice\n%s[metrics]\nenum_port = 0\n"
                        "[enum]\nport = %d\nfollow_ms = 100\n" % (self.db_conf(e["node"]), e["port"]))
        self.balancer = Balancer(self.http, [g["port"] for g in self.gws])
        self.balancer.start()

    # --- npgwd instances ------------------------------------------------------------------------
    def gw_start(self, gw):
        with self.gw_lock:
            gw["proc"] = subprocess.Popen([self.bin("npgwd"), "-c", gw["conf"]],
                                          stdout=self.log(gw["name"]), stderr=subprocess.STDOUT)
            self.npgwd_starts += 1
        return chaos.wait(60, lambda: chaos.http_get(gw["port"], "/health")[0] == 200 or
                          gw["proc"].poll() is not None) and gw["proc"].poll() is None

    def gw_kill(self, gw):
        with self.gw_lock:
            gw["proc"].kill()
            gw["proc"].wait()

    def npgwd_start(self):
        return all([self.gw_start(g) for g in self.gws])

    def enums_start(self):
        for e in self.enums:
            e["proc"] = subprocess.Popen([self.bin("npenumd"), "-c", e["conf"]],
                                         stdout=self.log(e["name"]), stderr=subprocess.STDOUT)

    def stop(self):
        for p in [g["proc"] for g in self.gws] + [e["proc"] for e in self.enums] + self.procs:
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        try:
            self.balancer.sock.close()
        except AttributeError:
            pass
        self.cluster.stop()
        if not self.a.keep:
            shutil.rmtree(self.work, ignore_errors=True)


class GaleraChaos:
    """npgwd SIGKILLs at random moments; Galera nodes stopped and brought back between them."""

    def __init__(self, stack, a):
        self.s, self.a = stack, a
        self.kills = self.node_stops = self.node_crashes = 0
        self.down_s = self.node_down_s = 0.0
        self.log = []

    def node_bounce(self):
        nodes = self.s.cluster.nodes
        node = nodes[(self.node_stops + self.node_crashes + 1) % len(nodes)]  # node2 first
        crash = self.a.node_crash and (self.node_stops + self.node_crashes) % 2 == 1
        t = time.time()
        node.stop(crash=crash)
        self.log.append("%s %s" % (node.name, "killed" if crash else "stopped"))
        time.sleep(self.a.node_down)  # the flows go on with the others
        node.start()
        node.wait_synced(600)
        self.node_down_s += time.time() - t
        if crash:
            self.node_crashes += 1
        else:
            self.node_stops += 1
        self.log.append("%s back after %.0f s" % (node.name, time.time() - t))

    def run(self, stop):
        bounces = self.a.node_stops
        every = max(1, self.a.kills // (bounces + 1)) if bounces else 0
        while self.kills < self.a.kills:
            time.sleep(random.uniform(self.a.kill_min, self.a.kill_max))
            gw = random.choice(self.s.gws)
            t = time.time()
            self.s.gw_kill(gw)
            self.kills += 1
            if every and self.kills % every == 0 and \
                    self.node_stops + self.node_crashes < bounces:
                self.node_bounce()
            while not self.s.gw_start(gw):
                time.sleep(0.5)
            self.down_s += time.time() - t
        while self.node_stops + self.node_crashes < bounces:
            self.node_bounce()
        stop.set()


def kdig_answers(port, names):
    """{owner: NAPTR regexp} for names, from the npenumd on port (kdig, 400 a call)."""
    out = {}
    for i in range(0, len(names), 400):
        args = ["kdig", "@127.0.0.1", "-p", str(port), "+timeout=2", "+retry=2", "+noall",
                "+answer"]
        for n in names[i:i + 400]:
            args += ["NAPTR", n]
        r = subprocess.run(args, capture_output=True, text=True)
        for line in r.stdout.splitlines():
            f = line.split()
            if len(f) >= 5 and f[3] == "NAPTR":
                out[f[0]] = line.split('"')[-2] if line.count('"') >= 6 else line
    return out


def serial_of(port):
    r = subprocess.run(["kdig", "+short", "+timeout=1", "+retry=0", "@127.0.0.1", "-p", str(port),
                        "SOA", "1.e164.arpa"], capture_output=True, text=True)
    f = r.stdout.split()
    return f[2] if len(f) >= 3 else None


def owner(n):
    return ".".join(reversed(str(n))) + ".e164.arpa."


def galera_checks(s, a):
    """The checks of several gateways and npenumd on one cluster."""
    f = collections.OrderedDict()
    # every node the same data
    sums = {}
    bad = []
    for n in s.cluster.nodes:
        rows = s.cluster.sql("CHECKSUM TABLE %s" % ", ".join(TABLES), node=n, db="chaos")
        sums[n.name] = {r[0].split(".")[-1]: r[1] for r in rows}
    first = s.cluster.nodes[0].name
    for name, t in sums.items():
        for table, v in t.items():
            if v != sums[first][table]:
                bad.append("%s differs on %s from %s" % (table, name, first))
    f["every node holds the same data (%d tables)" % len(TABLES)] = bad
    # the change log has no hole
    n, span, top = s.sql("SELECT COUNT(*), COALESCE(MAX(id), 0) - (SELECT ixfr_from FROM"
                         " routing_serial), COALESCE(MAX(id), 0) FROM routing_changes WHERE id >"
                         " (SELECT ixfr_from FROM routing_serial)")[0]
    f["the routing change log has no hole (%s changes)" % n] = \
        [] if n == span else ["%s rows for %s ids" % (n, span)]
    # npenumd instances alike
    bad = []
    ok = chaos.wait(120, lambda: all(serial_of(e["port"]) == str(int(top) & 0xFFFFFFFF or 1)
                                     for e in s.enums))
    serials = {e["name"]: serial_of(e["port"]) for e in s.enums}
    if not ok:
        bad.append("serials %s, change log at %s" % (serials, top))
    numbers = [int(r[0]) + k for r in s.sql("SELECT range_start, range_end FROM port_in_ranges"
                                            " UNION SELECT range_start, range_end FROM"
                                            " port_out_ranges")
               for k in range(int(r[1]) - int(r[0]) + 1)]
    numbers = sorted(set(10000000 + x if x < 10000000 else x for x in numbers))
    numbers += random.sample(range(15600000, 15999999), 200)
    names = [owner(x) for x in numbers]
    answers = [kdig_answers(e["port"], names) for e in s.enums]
    for e, ans in zip(s.enums[1:], answers[1:]):
        diff = [k for k in set(ans) | set(answers[0]) if ans.get(k) != answers[0].get(k)]
        if diff:
            bad.append("%s and %s differ for %d names, e.g. %s" % (s.enums[0]["name"], e["name"],
                                                                   len(diff), diff[:2]))
    if len(answers[0]) < len(names) * 0.9:
        bad.append("only %d answers for %d names" % (len(answers[0]), len(names)))
    done_in = s.sql("SELECT r.range_start, r.range_end FROM port_in_ranges r JOIN port_in p ON"
                    " p.id = r.port_in_id WHERE p.state = 30")
    wrong = [x for r in done_in for x in range(int(r[0]), int(r[1]) + 1)
             if ";rn=+1990001@" not in answers[0].get(owner(x if x >= 10000000 else x + 10000000),
                                                      "")]
    if wrong:
        bad.append("%d numbers of completed port-ins do not route to us, e.g. %s" % (len(wrong),
                                                                                   wrong[:3]))
    f["%d npenumd on different nodes answer %d numbers alike, serial %s" %
      (len(s.enums), len(names), serials.get(s.enums[0]["name"]))] = bad
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", required=True)
    ap.add_argument("--build", required=True)
    ap.add_argument("--nodes", type=int, default=3, help="Galera nodes")
    ap.add_argument("--gateways", type=int, default=2, help="npgwd instances (one per node)")
    ap.add_argument("--enums", type=int, default=3, help="npenumd instances (one per node)")
    ap.add_argument("--flows", type=int, default=12, help="concurrent flow drivers")
    ap.add_argument("--uk", type=int, default=4, help="UK ports")
    ap.add_argument("--kills", type=int, default=4, help="SIGKILLs of an npgwd")
    ap.add_argument("--kill-min", type=float, default=3.0)
    ap.add_argument("--kill-max", type=float, default=8.0)
    ap.add_argument("--node-stops", type=int, default=1, help="Galera node stops and returns")
    ap.add_argument("--node-crash", action="store_true", help="every other stop is a SIGKILL")
    ap.add_argument("--node-down", type=float, default=8.0, help="seconds a node stays down")
    ap.add_argument("--answer-timeout", type=int, default=30)
    ap.add_argument("--sim-delay", type=int, default=100)
    ap.add_argument("--settle", type=float, default=240)
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time())
    random.seed(seed)
    t0 = time.time()
    s = GaleraStack(a)
    try:
        s.setup()
        pacs = [("GAL%06d" % i, 5600000 + len(chaos.KINDS) * chaos.BLOCK + i) for i in range(a.uk)]
        s.start_sims(pacs)
        if not s.npgwd_start():
            raise RuntimeError("npgwd did not start (see npgwd*.log)")
        s.enums_start()
        flows = chaos.Flows(s, a)
        gc = GaleraChaos(s, a)
        uk_started = threading.Event()
        uk = threading.Thread(target=flows.uk, args=(pacs, uk_started))
        uk.start()
        uk_started.wait(60)
        drivers = [threading.Thread(target=flows.driver) for _ in range(a.flows)]
        for d in drivers:
            d.start()
        t_load = time.time()
        gc.run(flows.stop)
        uk.join()
        for d in drivers:
            d.join()
        t_flows = time.time() - t_load
        in_flight = ("SELECT (SELECT COUNT(*) FROM port_in WHERE state IN (%s)) + (SELECT COUNT(*)"
                     " FROM port_out WHERE state IN (%s))" % (chaos.IN_FLIGHT, chaos.IN_FLIGHT))
        settled = chaos.wait(a.settle, lambda: s.sql(in_flight)[0][0] == "0" and
                             chaos.http_get(s.sim, "/pxs/log")[1]["pending"] == 0)
        settled = settled and chaos.wait(60, lambda: s.sql(
            "SELECT COUNT(*) FROM outbox WHERE state <> 'done'")[0][0] == "0")
        failures, resent, late = chaos.check(s, flows, a)
        if not settled:
            failures[chaos.CHECKS[5]] += ["still in flight after %d s" % a.settle]
        failures.update(galera_checks(s, a))
        stats = collections.Counter()
        for n in s.cluster.nodes:
            for var in ("wsrep_local_cert_failures", "wsrep_local_bf_aborts",
                        "wsrep_local_commits", "wsrep_replicated"):
                stats[var] += int(n.status(var) or 0)
        kinds = collections.Counter(r["kind"] for r in flows.records)
        acked = sum(len(r["acked"]) for r in flows.records)
        complete = int(s.sql("SELECT (SELECT COUNT(*) FROM port_in WHERE state = 30) +"
                             " (SELECT COUNT(*) FROM port_out WHERE state = 30)")[0][0])
        summary = {"seed": seed, "nodes": a.nodes, "gateways": a.gateways, "npenumd": a.enums,
                   "flows": a.flows, "ports": len(flows.records), "by_kind": dict(kinds),
                   "completed": complete, "acknowledged_requests": acked,
                   "npgwd_kills": gc.kills, "npgwd_starts": s.npgwd_starts,
                   "node_stops": gc.node_stops, "node_crashes": gc.node_crashes,
                   "node_down_s": round(gc.node_down_s, 1), "npgwd_down_s": round(gc.down_s, 1),
                   "cert_failures": stats["wsrep_local_cert_failures"],
                   "bf_aborts": stats["wsrep_local_bf_aborts"],
                   "local_commits": stats["wsrep_local_commits"],
                   "resent_to_npsim": resent, "timed_out_late_answer": late,
                   "cluster_setup_s": round(s.cluster.setup_s),
                   "load_s": round(t_flows), "seconds": round(time.time() - t0),
                   "events": gc.log, "failures": sum(len(v) for v in failures.values())}
        print("1..%d" % len(failures))
        for i, (name, bad) in enumerate(failures.items(), 1):
            print("%s %d - %s" % ("not ok" if bad else "ok", i, name))
            for line in bad[:20]:
                print("#   " + line)
            if len(bad) > 20:
                print("#   ... and %d more" % (len(bad) - 20))
        print("# " + json.dumps(summary))
        return 0 if not summary["failures"] else 1
    except Exception as e:
        print("1..1\nnot ok 1 - galera run: %s (work directory %s kept)" % (e, s.work))
        for line in traceback.format_exc().splitlines():
            print("# " + line)
        a.keep = True
        return 2
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(main())
