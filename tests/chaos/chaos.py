#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Chaos at scale: many concurrent port flows of every kind while npgwd is killed with SIGKILL
at random moments and MariaDB is restarted, then a check that nothing was lost or done twice.

It starts its own MariaDB (so it may restart it), npsim pxs, npsim uk and npgwd, all on loopback
ports, under a work directory it removes afterwards (--keep leaves it). The flows talk to npgwd
as its clients do: the REST API for port-ins and port-out answers, npsim's one-shot sender for
the clearinghouse's port-out requests, zeep for the UK PortIn service. A client that gets no
answer (npgwd killed, MariaDB away) retries; a request it got a 2xx for is "acknowledged".

At the end, after the last kill, it waits for every flow to settle and checks:
  - every port reached the final state its kind calls for (code 35: the original Rejected
    with 35 and its resubmission complete);
  - no port applied the same message twice (each applied event's message type and target
    state once per port);
  - no outbound effect twice: npsim pxs received each request type once per port (one
    MessageId; a message sent again keeps its MessageId and npsim de-duplicates it), npsim uk
    received one ClosePAC and one ConfirmPort MessageId per PAC;
  - no acknowledged request lost: every acknowledged create exists, every acknowledged
    instruction, abort, authorisation and rejection took effect;
  - nothing left behind: no npsim delivery pending or given up, no outbox row failed.
It prints TAP, one line per check, and a JSON summary as the last (comment) line; the exit
status is 0 only when every check held.
"""
import argparse
import base64
import collections
import getpass
import http.client
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

# kind -> npsim rule for its numbers, how the client drives it, the final state it must reach
KINDS = {
    "complete": ("authorise", "instruct", "Number_Ported_Complete"),
    "resubmit35": ("account:Postpaid", "instruct", "Number_Ported_Complete"),
    "rejected": ("reject:33", "none", "Rejected"),
    "timedout": ("timeout", "none", "TimeOut"),
    "silent": ("silent", "none", "TimeOut"),
    "aborted": ("authorise", "abort", "Aborted"),
    "portout": (None, "authorise", "Number_Ported_Complete"),
    "portout_rejected": (None, "reject", "Rejected"),
}
WEIGHTS = {"complete": 30, "resubmit35": 10, "rejected": 10, "timedout": 10, "silent": 5,
           "aborted": 15, "portout": 15, "portout_rejected": 5}
BLOCK = 20000  # numbers per kind, from 5600000 (port-ins, DONOR) and 5800000 (port-outs, CARR)
STATES = {0: "NoPort", 1: "Waiting_for_Authorisation_Response", 2: "Waiting_for_Instruction",
          3: "Waiting_for_Instruction_Response", 10: "Waiting_for_Ported_Response",
          11: "Waiting_for_Change_Response", 20: "Number_Ported", 30: "Number_Ported_Complete",
          97: "TimeOut", 98: "Aborted", 99: "Rejected"}
IN_FLIGHT = "1, 2, 3, 10, 11, 20"
PORTED_ON = {"Waiting_for_Instruction_Response", "Waiting_for_Ported_Response", "Number_Ported",
             "Number_Ported_Complete"}


def npgwd_conf(src, db_section, http_port, sim_port, uk_port, clock, answer_timeout, extra=""):
    """The configuration of an npgwd (or npgwctl) of these runs: db_section says which
    database; the chaos run and the Galera tier each write theirs with it."""
    return f"""[general]
country_code = 1
country_iso = XX
operator_code = CARR
xslt_dir = {src}/xslt
log_level = notice
{db_section}[http]
listen = 127.0.0.1
port = {http_port}
threads = 8
wsdl_dir = {src}/wsdl
[pxs]
clearinghouse_url = http://127.0.0.1:{sim_port}/pxs
answer_timeout = {answer_timeout}
connect_timeout = 2
io_timeout = 10
[outbox]
retry_base_ms = 100
retry_max_ms = 1000
poll_ms = 50
lease_s = 5
[metrics]
port = 0
enum_port = 0
[uk]
platform_url = http://127.0.0.1:{uk_port}/uk
test_clock_file = {clock}
bank_holidays_file = {src}/conf/uk-bank-holidays.txt
connect_timeout = 2
io_timeout = 5
{extra}"""


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Stack:
    """MariaDB, npsim pxs, npsim uk and npgwd under one work directory."""

    def __init__(self, a):
        self.a = a
        self.work = tempfile.mkdtemp(prefix="npgw-chaos-")
        self.sock = os.path.join(self.work, "db", "mysqld.sock")
        self.http = free_port()
        self.sim = free_port()
        self.uk = free_port()
        self.db_port = free_port()
        self.conf = os.path.join(self.work, "npgw.conf")
        self.clock = os.path.join(self.work, "uk-clock")
        self.npgwd = self.mariadbd = None
        self.procs = []
        self.lock = threading.Lock()
        self.npgwd_starts = 0

    def path(self, *p):
        return os.path.join(self.work, *p)

    def bin(self, name):
        return os.path.join(self.a.build, "src", name, name)

    def log(self, name):
        return open(self.path(name + ".log"), "ab")

    # --- MariaDB ----------------------------------------------------------------------------
    def db_start(self):
        data = self.path("db", "data")
        if not os.path.isdir(os.path.join(data, "mysql")):
            os.makedirs(data, exist_ok=True)
            subprocess.run(["mariadb-install-db", "--no-defaults", "--datadir=" + data,
                            "--user=" + getpass.getuser(),
                            "--auth-root-authentication-method=socket", "--skip-test-db"],
                           stdout=self.log("mariadb-install"), stderr=subprocess.STDOUT, check=True)
        self.mariadbd = subprocess.Popen(
            ["mariadbd", "--no-defaults", "--datadir=" + data, "--socket=" + self.sock,
             "--pid-file=" + self.path("db", "mysqld.pid"), "--port=%d" % self.db_port,
             "--bind-address=127.0.0.1", "--log-error=" + self.path("mariadb.log"),
             "--user=" + getpass.getuser(),
             "--innodb-buffer-pool-size=256M", "--innodb-flush-log-at-trx-commit=1",
             "--skip-name-resolve", "--max-connections=500", "--character-set-server=utf8mb4",
             "--collation-server=utf8mb4_unicode_ci"], stdout=self.log("mariadb-out"),
            stderr=subprocess.STDOUT)
        until(60, lambda: subprocess.run(["mariadb-admin", "--no-defaults", "-S", self.sock, "-u",
                                          "root", "ping"], capture_output=True).returncode == 0,
              "MariaDB did not start (see mariadb.log)")

    def db_stop(self, crash):
        p = self.mariadbd
        p.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
        p.wait(timeout=120)

    def sql(self, query, tries=200):
        for _ in range(tries):
            r = subprocess.run(["mariadb", "--no-defaults", "-S", self.sock, "-u", "root", "-N",
                                "-B", "chaos", "-e", query], capture_output=True, text=True)
            if r.returncode == 0:
                return [line.split("\t") for line in r.stdout.splitlines()]
            time.sleep(0.1)  # MariaDB is being restarted
        raise RuntimeError("sql failed: %s: %s" % (query, r.stderr))

    # --- configuration and fixtures --------------------------------------------------------
    def setup(self):
        self.db_start()
        subprocess.run(["mariadb", "--no-defaults", "-S", self.sock, "-u", "root", "-e",
                        "CREATE DATABASE chaos CHARACTER SET utf8mb4"], check=True)
        src = self.a.src
        db = ("[database]\nsocket = %s\nuser = root\nname = chaos\npool_size = 8\n"
              "migrations_dir = %s/db\nconnect_timeout = 2\n" % (self.sock, src))
        with open(self.conf, "w") as f:
            f.write(npgwd_conf(src, db, self.http, self.sim, self.uk, self.clock,
                               self.a.answer_timeout))
        self.set_clock("2030-03-05T10:00:00Z")
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
            for i, (kind, (rule, _, _)) in enumerate(KINDS.items()):
                if rule:
                    f.write("%d-%d %s,delay:%d\n" % (5600000 + i * BLOCK,
                                                     5600000 + (i + 1) * BLOCK - 1, rule,
                                                     self.a.sim_delay))

    def set_clock(self, when):
        with open(self.clock + ".tmp", "w") as f:
            f.write(when + "\n")
        os.rename(self.clock + ".tmp", self.clock)

    def start_sims(self, pacs):
        sim = self.bin("npsim")
        gw = "http://127.0.0.1:%d/np_api/" % self.http
        keys = self.path("ch-credentials")
        self.procs.append(subprocess.Popen(
            [sim, "-c", self.conf, "pxs", "--port", str(self.sim), "--gateway", gw + "pxs/recv/",
             "--key-file", keys, "--retry-max", "600", "--backoff-max", "1000", "--scenario",
             self.path("scenario")],
            stdout=self.log("npsim"), stderr=subprocess.STDOUT))
        args = [sim, "-c", self.conf, "uk", "--port", str(self.uk), "--clock-file", self.clock,
                "--gateway", gw + "uk/notify", "--key-file", keys]
        for pac, number in pacs:
            args += ["--pac", "%s:%s:DONOR:2030-03-01" % (pac, number)]
        self.procs.append(subprocess.Popen(args, stdout=self.log("npsim-uk"),
                                           stderr=subprocess.STDOUT))
        for port in (self.sim, self.uk):
            until(10, lambda: http_get(port, "/health")[0] == 200, "npsim did not start")

    # --- npgwd ------------------------------------------------------------------------------
    def npgwd_start(self):
        with self.lock:
            self.npgwd = subprocess.Popen([self.bin("npgwd"), "-c", self.conf],
                                          stdout=self.log("npgwd"), stderr=subprocess.STDOUT)
            self.npgwd_starts += 1
        until(60, lambda: http_get(self.http, "/health")[0] == 200 or self.npgwd.poll() is not None,
              "npgwd did not answer /health")
        return self.npgwd.poll() is None

    def npgwd_kill(self):
        with self.lock:
            self.npgwd.kill()
            self.npgwd.wait()

    def stop(self):
        for p in [self.npgwd] + self.procs:
            if p and p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        if self.mariadbd and self.mariadbd.poll() is None:
            self.db_stop(crash=False)
        if not self.a.keep:
            shutil.rmtree(self.work, ignore_errors=True)


def wait(seconds, cond):
    end = time.time() + seconds
    while time.time() < end:
        if cond():
            return True
        time.sleep(0.1)
    return False


def until(seconds, cond, what):
    if not wait(seconds, cond):
        raise RuntimeError(what)


def http_get(port, path):
    return request(port, "GET", path, None, None)


def request(port, method, path, body, auth, timeout=15):
    """(status, parsed JSON or text); (0, reason) when npgwd did not answer."""
    headers = {"Content-Type": "application/json"}
    if auth:
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        c.request(method, path, json.dumps(body) if body is not None else None, headers)
        r = c.getresponse()
        text = r.read().decode("utf-8", "replace")
        try:
            return r.status, json.loads(text)
        except ValueError:
            return r.status, text
    except (OSError, http.client.HTTPException) as e:
        return 0, str(e)
    finally:
        c.close()


class Flows:
    """The clients: each flow records what it was told (acknowledged) and what it expects."""

    def __init__(self, stack, a):
        self.s, self.a = stack, a
        self.lock = threading.Lock()
        self.next = collections.Counter()
        self.records = []
        self.errors = []
        self.stop = threading.Event()

    def api(self, method, path, body=None, deadline=None):
        """Retries while npgwd or MariaDB is away (no answer, 503); returns the first answer."""
        deadline = deadline or time.time() + self.a.settle
        while True:
            st, js = request(self.s.http, method, path, body, self.s.api_key)
            if st not in (0, 500, 502, 503) or time.time() > deadline:
                return st, js
            time.sleep(0.2)

    def number(self, kind):
        with self.lock:
            i = self.next[kind]
            self.next[kind] += 1
        port_ins = [k for k in KINDS if KINDS[k][0]]
        if kind in port_ins:
            base = 5600000 + port_ins.index(kind) * BLOCK
        else:
            base = 5800000 + [k for k in KINDS if not KINDS[k][0]].index(kind) * BLOCK
        return base + i * 4  # room for ranges of up to four numbers

    def fail(self, rec, why):
        rec["error"] = why
        with self.lock:
            self.errors.append("%s %s: %s" % (rec["kind"], rec.get("id") or rec["from"], why))

    def lookup(self, kind, msgid, deadline):
        """(state, identifier): the original identifier of a resubmitted port finds the new one."""
        st, js = self.api("GET", "/np_api/%s/%s" % (kind, msgid), deadline=deadline)
        if st == 200 and isinstance(js, dict):
            return js.get("PortingStateString"), js.get("msgidentifier")
        return None, msgid

    def state(self, kind, msgid, deadline):
        return self.lookup(kind, msgid, deadline)[0]

    def wait_state(self, kind, msgid, wanted, seconds):
        deadline = time.time() + seconds
        while time.time() < deadline:
            st = self.state(kind, msgid, deadline)
            if st in wanted:
                return st
            time.sleep(0.3)
        return self.state(kind, msgid, time.time() + 10)

    def owner(self, table, number):
        rows = self.s.sql("SELECT p.msgidentifier FROM %s p JOIN %s_ranges r ON r.%s_id = p.id "
                          "WHERE r.range_start IN (%d, %d) ORDER BY p.id LIMIT 1" %
                          (table, table, table, number, 10000000 + number))
        return rows[0][0] if rows else None

    # --- port-in through the REST API --------------------------------------------------------
    def port_in(self, kind):
        first = self.number(kind)
        last = first + random.randint(0, 3)
        rec = {"kind": kind, "from": first, "to": last, "acked": []}
        body = {"donornetworkoperator": "", "email": "ops@example.com",
                "contacttelephonenumber": str(first), "Type_of_Numbers": "mobile",
                "telephonenumberseriestart": str(first), "telephonenumberserieend": str(last),
                "AccountType": "Prepaid"}
        st, js = self.api("POST", "/np_api/PortIn/create", body)
        if st == 200:
            rec["id"] = js["msgidentifier"]
            rec["acked"].append("create")
        elif st in (400, 409) and "already being ported" in str(js):
            rec["id"] = self.owner("port_in", first)  # an earlier try was committed, unanswered
        if not rec.get("id"):
            return self.fail(rec, "create: %s %s" % (st, js))
        self.records.append(rec)
        action = KINDS[kind][1]
        if action == "none":
            return
        st = self.wait_state("PortIn", rec["id"], {"Waiting_for_Instruction"}, self.a.settle)
        if st == "TimeOut":
            return  # the answer came later than answer_timeout: check() sees whether it did
        if st != "Waiting_for_Instruction":
            return self.fail(rec, "never Waiting_for_Instruction (%s)" % st)
        # as a client would: act on the record the lookup returned (a resubmission has its own)
        current = self.lookup("PortIn", rec["id"], time.time() + 30)[1]
        if action == "abort":
            st, js = self.api("DELETE", "/np_api/PortIn/" + current)
            done = {"Aborted"}
        else:
            st, js = self.api("POST", "/np_api/PortIn/" + current)
            done = PORTED_ON
        if st == 200:
            rec["acked"].append(action)
        elif not (st == 409 and self.state("PortIn", current, time.time() + 30) in done):
            self.fail(rec, "%s: %s %s" % (action, st, js))

    # --- port-out: the clearinghouse asks, we answer through the REST API ------------------
    def port_out(self, kind):
        first = self.number(kind)
        last = first + random.randint(0, 3)
        with self.lock:
            self.next["port-out request"] += 1
            seq = self.next["port-out request"]
        rec = {"kind": kind, "from": first, "to": last, "acked": [],
               "id": "XX203003-OTHER-%05d" % seq}
        ask = [self.s.bin("npsim"), "-c", self.s.conf, "pxs", "--gateway",
               "http://127.0.0.1:%d/np_api/pxs/recv/" % self.s.http, "--key-file",
               self.s.path("ch-credentials"), "--retry-max", str(int(self.a.settle)),
               "send-authorisation-request", "msgidentifier=" + rec["id"],
               "message_id=chaos-ar-%06d" % seq, "recipient=OTHER", "donor=CARR",
               "from=%d" % first, "to=%d" % last, "receiver=CARR"]
        r = subprocess.run(ask, capture_output=True, text=True)
        if r.returncode != 0:
            return self.fail(rec, "AuthorisationRequest: %s" % (r.stdout + r.stderr).strip())
        self.records.append(rec)
        st = self.wait_state("PortOut", rec["id"], {"Waiting_for_Authorisation_Response"}, 60)
        if st == "TimeOut":
            return
        if st != "Waiting_for_Authorisation_Response":
            return self.fail(rec, "port-out never waited for our answer (%s; npsim: %s)" %
                             (st, r.stdout.strip()))
        action = KINDS[kind][1]
        if action == "authorise":
            st, js = self.api("POST", "/np_api/PortOut/" + rec["id"])
        else:
            st, js = self.api("DELETE", "/np_api/PortOut/" + rec["id"],
                              {"reason": "outstanding_balance"})
        if st == 200:
            rec["acked"].append(action)
        elif not (st == 409 and self.state("PortOut", rec["id"], time.time() + 30) !=
                  "Waiting_for_Authorisation_Response"):
            self.fail(rec, "%s: %s %s" % (action, st, js))

    def driver(self):
        kinds = list(WEIGHTS)
        while not self.stop.is_set():
            kind = random.choices(kinds, [WEIGHTS[k] for k in kinds])[0]
            try:
                (self.port_in if KINDS[kind][0] else self.port_out)(kind)
            except Exception as e:  # a broken flow is a finding, not a reason to stop the rest
                with self.lock:
                    self.errors.append("%s: %r" % (kind, e))

    # --- UK: zeep against the PortIn service, the platform's clock moved by hand ------------
    def uk(self, pacs, started):
        import requests
        import zeep
        from zeep.transports import Transport
        session = requests.Session()
        session.auth = tuple(self.s.bss_key.split(":", 1))
        base = "http://127.0.0.1:%d/np_api/uk/portin" % self.s.http
        until(60, lambda: http_get(self.s.http, "/health")[0] == 200, "npgwd away")
        client = zeep.Client(base + "?wsdl", transport=Transport(session=session, timeout=20))
        started.set()
        for pac, number in pacs:
            rec = {"kind": "uk", "from": number, "to": number, "acked": [], "pac": pac}
            deadline = time.time() + self.a.settle
            while time.time() < deadline:
                try:
                    client.service.PortIn(ExternalReference="chaos-" + pac, PortDetails={
                        "SubscriptionNumber": 1, "PACCode": pac, "PortInNumber": str(number),
                        "PortDate": "2030-03-06", "UseSuggestedDateOnConflict": False})
                    rec["acked"].append("create")
                    break
                except zeep.exceptions.Fault as f:
                    code = f.detail.find(".//{urn:npgw:uk:portin:1}Code") if f.detail is not None else None
                    code = code.text if code is not None else ""
                    if code in ("PORT_IN_PROGRESS", "PAC_UNKNOWN"):
                        break  # an earlier try was committed but its answer lost
                    if code != "SERVICE_UNAVAILABLE":
                        rec["error"] = "PortIn: %s %s" % (code, f.message)
                        break
                except (requests.exceptions.RequestException, OSError):
                    pass
                time.sleep(0.3)
            rows = self.s.sql("SELECT msgidentifier FROM port_in WHERE pac = '%s'" % pac)
            rec["id"] = rows[0][0] if rows else None
            if rec.get("error") or not rec["id"]:
                self.fail(rec, rec.get("error") or "PortIn left no port")
            else:
                self.records.append(rec)
        self.uk_clock([r["id"] for r in self.records if r["kind"] == "uk"])

    def uk_clock(self, ids):
        """The cut-off, then the port date: every UK port confirmed, then completed."""
        self.s.set_clock("2030-03-05T18:00:00Z")
        for msgid in ids:
            self.wait_state("PortIn", msgid, {"Waiting_for_Ported_Response"}, self.a.settle)
        self.s.set_clock("2030-03-06T00:30:00Z")


class Chaos:
    def __init__(self, stack, a):
        self.s, self.a = stack, a
        self.kills = self.db_restarts = 0
        self.down_s = 0.0

    def run(self, stop):
        every = max(1, self.a.kills // (self.a.db_restarts + 1)) if self.a.db_restarts else 0
        while self.kills < self.a.kills:
            time.sleep(random.uniform(self.a.kill_min, self.a.kill_max))
            self.s.npgwd_kill()
            self.kills += 1
            t = time.time()
            if every and self.kills % every == 0 and self.db_restarts < self.a.db_restarts:
                self.db_restarts += 1
                self.s.db_stop(crash=self.db_restarts % 2 == 0)  # clean, then crash recovery
                time.sleep(1)
                self.s.db_start()
            while not self.s.npgwd_start():
                time.sleep(0.5)  # it may refuse to start while MariaDB recovers
            self.down_s += time.time() - t
        stop.set()


CHECKS = ["every client got the answers its flow needs",
          "every acknowledged request is in the database",
          "every port reached the final state its kind calls for",
          "no port applied a message twice",
          "each request reached the clearinghouse once (one MessageId per port and type)",
          "nothing is left in flight, pending or failed"]


def check(stack, flows, a):
    s = stack
    f = collections.OrderedDict((name, []) for name in CHECKS)
    f[CHECKS[0]] = list(flows.errors)
    late = []
    by_id = {}
    for r in flows.records:
        by_id[r["id"]] = r
    # final states, and what each acknowledged request promised
    rows = s.sql("SELECT 'PortIn', p.msgidentifier, p.state, IFNULL(p.failure_reason, 0), "
                 "IFNULL(n.msgidentifier, '') FROM port_in p LEFT JOIN port_in n ON n.id = "
                 "p.resubmitted_as WHERE p.original_id IS NULL UNION ALL SELECT 'PortOut', "
                 "msgidentifier, state, IFNULL(failure_reason, 0), '' FROM port_out")
    names = {}
    for kind, msgid, state, reason, resub in rows:
        names[(kind, msgid)] = (int(state), int(reason), resub)
    for msgid, r in by_id.items():
        table = "PortOut" if r["kind"].startswith("portout") else "PortIn"
        if (table, msgid) not in names:
            f[CHECKS[1]].append("%s %s: acknowledged %s but not in the database" % (r["kind"], msgid,
                                                                                 r["acked"]))
            continue
        state, reason, resub = names[(table, msgid)]
        want = KINDS[r["kind"]][2] if r["kind"] != "uk" else "Number_Ported_Complete"
        if r["kind"] == "resubmit35":
            if STATES.get(state) != "Rejected" or reason != 35 or not resub:
                f[CHECKS[2]].append("resubmit35 %s: original is %s/%d, resubmission %r" %
                                (msgid, STATES.get(state, state), reason, resub))
                continue
            state = int(s.sql("SELECT state FROM port_in WHERE msgidentifier = '%s'" % resub)[0][0])
        if STATES.get(state) == "TimeOut" and want != "TimeOut":
            early = timed_out_early(s, table, resub or msgid, a.answer_timeout)
            if not early:
                late.append(msgid)  # its answer came after answer_timeout: TimeOut is right
                continue
            f[CHECKS[2]].append("%s %s: timed out %s" % (r["kind"], msgid, early))
            continue
        if STATES.get(state, str(state)) != want:
            f[CHECKS[2]].append("%s %s: ended in %s, not %s" % (r["kind"], msgid,
                                                           STATES.get(state, state), want))
    # no message applied twice to one port
    for t in ("in", "out"):
        for pid, msgtype, to_state, n in s.sql(
                "SELECT port_%s_id, msgtype, to_state, COUNT(*) FROM port_%s_events WHERE applied "
                "= 1 GROUP BY port_%s_id, msgtype, to_state HAVING COUNT(*) > 1" % (t, t, t)):
            f[CHECKS[3]].append("port-%s id %s applied %s (to state %s) %s times" % (t, pid, msgtype,
                                                                                 to_state, n))
    # each request reached the clearinghouse once (one MessageId per port and message type)
    st, log = http_get(s.sim, "/pxs/log")
    ids = collections.defaultdict(set)
    resent = 0
    for m in log["messages"]:
        if m["direction"] == "received":
            ids[(m["type"], m["MessageIdentifier"])].add(m["MessageId"])
            resent += m["count"] - 1
    for (mtype, msgid), mids in ids.items():
        if len(mids) > 1:
            f[CHECKS[4]].append("npsim received %s for %s with %d MessageIds" % (mtype, msgid,
                                                                             len(mids)))
    gave_up = [m for m in log["messages"] if m["direction"] == "delivered" and
               m["status"] not in ("Accepted", "NotApplied", "Duplicate")]
    if log["pending"] or gave_up:
        f[CHECKS[5]].append("npsim: %d deliveries pending, %d not acknowledged: %s" %
                        (log["pending"], len(gave_up), gave_up[:3]))
    st, uklog = http_get(s.uk, "/uk/log")
    ukids = collections.defaultdict(set)
    for m in uklog["requests"]:
        if m["op"] in ("ClosePAC", "ConfirmPort"):
            ukids[(m["op"], m["number"])].add(m["message_id"])
    for (op, number), mids in ukids.items():
        if len(mids) > 1:
            f[CHECKS[4]].append("npsim uk received %s for %s with %d MessageIds" % (op, number,
                                                                                len(mids)))
    uk_ports = sum(1 for r in flows.records if r["kind"] == "uk")
    for op in ("ClosePAC", "ConfirmPort"):
        n = sum(1 for (o, _) in ukids if o == op)
        if n != uk_ports:
            f[CHECKS[4]].append("npsim uk received %s for %d numbers, not %d" % (op, n, uk_ports))
    left = s.sql("SELECT state, COUNT(*) FROM outbox WHERE state <> 'done' GROUP BY state")
    if left:
        f[CHECKS[5]].append("outbox rows not done: %s" % left)
    return f, resent, len(late)


def timed_out_early(s, table, msgid, answer_timeout):
    """None when the port's timer fired no sooner than answer_timeout after it entered the state
    it timed out in (the clearinghouse was late: TimeOut is the right end); else what happened."""
    t = "port_in" if table == "PortIn" else "port_out"
    rows = s.sql("SELECT e.to_state, e.msgtype, UNIX_TIMESTAMP(e.created_at) FROM %s_events e JOIN "
                 "%s p ON p.id = e.%s_id WHERE p.msgidentifier = '%s' AND e.applied = 1 ORDER BY "
                 "e.id" % (t, t, t, msgid))
    for i, (to, msgtype, at) in enumerate(rows):
        if int(to) == 97:
            if i == 0:
                return "with no state before it"
            waited = float(at) - float(rows[i - 1][2])
            if waited >= answer_timeout - 1:  # created_at has whole seconds
                return None
            return "by %s after %.0f s in %s (answer_timeout %d s)" % (
                msgtype, waited, STATES.get(int(rows[i - 1][0])), answer_timeout)
    return "with no TimeOut event"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--src", required=True, help="the source tree")
    ap.add_argument("--build", required=True, help="the build tree")
    ap.add_argument("--flows", type=int, default=100, help="concurrent flow drivers")
    ap.add_argument("--uk", type=int, default=40, help="UK ports (one batch, clock moved)")
    ap.add_argument("--kills", type=int, default=1000, help="SIGKILLs of npgwd")
    ap.add_argument("--kill-min", type=float, default=0.3, help="seconds between kills, least")
    ap.add_argument("--kill-max", type=float, default=2.0, help="seconds between kills, most")
    ap.add_argument("--db-restarts", type=int, default=4, help="MariaDB restarts (clean, crash)")
    ap.add_argument("--answer-timeout", type=int, default=45, help="[pxs] answer_timeout")
    ap.add_argument("--sim-delay", type=int, default=100, help="npsim's answer delay, ms")
    ap.add_argument("--settle", type=float, default=300, help="seconds a flow may take at most")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    a = ap.parse_args()
    seed = a.seed if a.seed is not None else int(time.time())
    random.seed(seed)
    t0 = time.time()
    s = Stack(a)
    try:
        s.setup()
        pacs = [("CHA%06d" % i, 5600000 + len(KINDS) * BLOCK + i) for i in range(a.uk)]
        s.start_sims(pacs)
        if not s.npgwd_start():
            raise RuntimeError("npgwd did not start (see npgwd.log)")
        flows = Flows(s, a)
        chaos = Chaos(s, a)
        uk_started = threading.Event()
        uk = threading.Thread(target=flows.uk, args=(pacs, uk_started))
        uk.start()
        uk_started.wait(60)
        drivers = [threading.Thread(target=flows.driver) for _ in range(a.flows)]
        for d in drivers:
            d.start()
        chaos.run(flows.stop)
        uk.join()
        for d in drivers:
            d.join()
        # every flow has its last answer: let the engine finish what is in flight
        in_flight = ("SELECT (SELECT COUNT(*) FROM port_in WHERE state IN (%s)) + (SELECT COUNT(*)"
                     " FROM port_out WHERE state IN (%s))" % (IN_FLIGHT, IN_FLIGHT))
        settled = wait(a.settle, lambda: s.sql(in_flight)[0][0] == "0" and
                       http_get(s.sim, "/pxs/log")[1]["pending"] == 0)
        settled = settled and wait(60, lambda: s.sql(
            "SELECT COUNT(*) FROM outbox WHERE state <> 'done'")[0][0] == "0")
        failures, resent, late = check(s, flows, a)
        if not settled:
            failures[CHECKS[5]] += ["still in flight after %d s: %s" % (a.settle, " ".join(r)) for r in s.sql(
                "SELECT 'in', msgidentifier, state, updated_at FROM port_in WHERE state IN (%s) "
                "UNION ALL SELECT 'out', msgidentifier, state, updated_at FROM port_out WHERE "
                "state IN (%s) UNION ALL SELECT 'outbox', kind, idempotency_key, state FROM outbox"
                " WHERE state <> 'done'" % (IN_FLIGHT, IN_FLIGHT))]
        kinds = collections.Counter(r["kind"] for r in flows.records)
        acked = sum(len(r["acked"]) for r in flows.records)
        summary = {"seed": seed, "flows": a.flows, "ports": len(flows.records),
                   "by_kind": dict(kinds), "acknowledged_requests": acked,
                   "npgwd_kills": chaos.kills, "npgwd_starts": s.npgwd_starts,
                   "mariadb_restarts": chaos.db_restarts, "npgwd_down_s": round(chaos.down_s, 1),
                   "resent_to_npsim": resent, "timed_out_late_answer": late, "seconds": round(time.time() - t0),
                   "failures": sum(len(v) for v in failures.values())}
        print("1..%d" % len(CHECKS))
        for i, (name, bad) in enumerate(failures.items(), 1):
            print("%s %d - %s" % ("not ok" if bad else "ok", i, name))
            for line in bad[:20]:
                print("#   " + line)
            if len(bad) > 20:
                print("#   ... and %d more" % (len(bad) - 20))
        print("# " + json.dumps(summary))
        return 0 if not summary["failures"] else 1
    except Exception as e:
        print("1..1\nnot ok 1 - chaos run: %s (work directory %s kept)" % (e, s.work))
        a.keep = True
        return 2
    finally:
        s.stop()


if __name__ == "__main__":
    sys.exit(main())
