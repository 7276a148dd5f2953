#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A private Galera cluster for tests: MariaDB with Debian's galera-4 provider, N nodes on
loopback ports, each with its own data directory under one work directory.

The first node is initialised and bootstrapped, stopped cleanly, and its data copied to the
others, so they join by IST (nothing to copy) instead of a full state transfer; a node that is
stopped and started again rejoins by IST from the others' gcache, one that was killed and lost
its position by SST (rsync). Run as root, the servers run as the mysql user (rsync SST drops
root); their directories are made readable for it.

As a script: cluster.py start DIR [NODES] starts a cluster in DIR and prints one line per node
(name, port, socket); cluster.py stop DIR stops it.
"""
import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

PROVIDER = "/usr/lib/galera/libgalera_smm.so"


def available():
    return os.path.exists(PROVIDER) and shutil.which("mariadbd") is not None


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


class Node:
    def __init__(self, cluster, i):
        self.c, self.i = cluster, i
        self.name = "node%d" % i
        self.dir = os.path.join(cluster.dir, self.name)
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "mysqld.sock")
        self.port, self.gcomm, self.ist, self.sst = (free_port() for _ in range(4))
        self.proc = None

    def args(self, bootstrap):
        c = self.c
        opts = ";".join([
            "gmcast.listen_addr=tcp://127.0.0.1:%d" % self.gcomm,
            "ist.recv_addr=127.0.0.1:%d" % self.ist,
            "gcache.size=256M",
            # a killed node is noticed in seconds, not the default 15
            "evs.keepalive_period=PT1S", "evs.suspect_timeout=PT3S",
            "evs.inactive_timeout=PT6S", "evs.install_timeout=PT6S",
            "evs.inactive_check_period=PT0.5S",
        ])
        a = ["mariadbd", "--no-defaults", "--datadir=" + self.data, "--socket=" + self.sock,
             "--pid-file=" + os.path.join(self.dir, "mysqld.pid"), "--port=%d" % self.port,
             "--bind-address=127.0.0.1", "--log-error=" + os.path.join(self.dir, "error.log"),
             "--user=" + c.user, "--skip-name-resolve", "--max-connections=500",
             "--innodb-buffer-pool-size=" + c.buffer_pool, "--innodb-flush-log-at-trx-commit=1",
             "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci",
             "--binlog-format=ROW", "--default-storage-engine=InnoDB",
             "--innodb-autoinc-lock-mode=2", "--wsrep-on=ON", "--wsrep-provider=" + PROVIDER,
             "--wsrep-cluster-name=npgw-test", "--wsrep-cluster-address=" + c.address(),
             "--wsrep-node-name=" + self.name,
             "--wsrep-node-address=127.0.0.1:%d" % self.gcomm,
             "--wsrep-node-incoming-address=127.0.0.1:%d" % self.port,
             "--wsrep-sst-method=rsync", "--wsrep-sst-receive-address=127.0.0.1:%d" % self.sst,
             "--wsrep-provider-options=" + opts, "--wsrep-slave-threads=2"]
        return a + (["--wsrep-new-cluster"] if bootstrap else [])

    def start(self, bootstrap=False):
        log = open(os.path.join(self.dir, "mariadbd.out"), "ab")
        self.proc = subprocess.Popen(self.args(bootstrap), stdout=log, stderr=subprocess.STDOUT)

    def stop(self, crash=False):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if crash else signal.SIGTERM)
            self.proc.wait(timeout=180)
        self.proc = None

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def status(self, var):
        r = subprocess.run(["mariadb", "--no-defaults", "-S", self.sock, "-u", "root", "-N", "-B",
                            "-e", "SHOW STATUS LIKE '%s'" % var], capture_output=True, text=True)
        return r.stdout.split("\t")[1].strip() if r.returncode == 0 and "\t" in r.stdout else None

    def synced(self):
        return self.alive() and self.status("wsrep_local_state_comment") == "Synced" and \
            self.status("wsrep_ready") == "ON"

    def wait_synced(self, seconds=240):
        end = time.time() + seconds
        while time.time() < end:
            if self.synced():
                return True
            if self.proc and self.proc.poll() is not None:
                raise RuntimeError("%s exited (see %s/error.log)" % (self.name, self.dir))
            time.sleep(0.2)
        raise RuntimeError("%s not synced after %d s (see %s/error.log)" % (self.name, seconds,
                                                                             self.dir))


class Cluster:
    def __init__(self, work, nodes=3, buffer_pool="128M"):
        self.dir = os.path.join(work, "galera")
        os.makedirs(self.dir, exist_ok=True)
        self.root = os.geteuid() == 0
        self.user = "mysql" if self.root else getpass.getuser()
        self.buffer_pool = buffer_pool
        self.nodes = [Node(self, i + 1) for i in range(nodes)]
        self.setup_s = 0.0

    def address(self):
        return "gcomm://" + ",".join("127.0.0.1:%d" % n.gcomm for n in self.nodes)

    def _own(self, path):
        if self.root:
            subprocess.run(["chown", "-R", self.user + ":", path], check=True)

    def start(self):
        t0 = time.time()
        if self.root:  # the mysql user must reach its files through the work directories
            p = self.dir
            while p not in ("/", ""):
                os.chmod(p, os.stat(p).st_mode | 0o711)
                p = os.path.dirname(p)
        first = self.nodes[0]
        for n in self.nodes:
            os.makedirs(n.data, exist_ok=True)
            self._own(n.dir)
        subprocess.run(["mariadb-install-db", "--no-defaults", "--datadir=" + first.data,
                        "--user=" + self.user, "--auth-root-authentication-method=socket",
                        "--skip-test-db"], stdout=open(os.path.join(first.dir, "install.log"), "w"),
                       stderr=subprocess.STDOUT, check=True)
        first.start(bootstrap=True)
        first.wait_synced()
        first.stop()  # a clean stop: its grastate.dat holds the cluster's id and position
        for n in self.nodes[1:]:
            shutil.rmtree(n.data)
            shutil.copytree(first.data, n.data, symlinks=True)
            for f in ("gvwstate.dat", "galera.cache"):
                if os.path.exists(os.path.join(n.data, f)):
                    os.remove(os.path.join(n.data, f))
            self._own(n.dir)
        first.start(bootstrap=True)
        first.wait_synced()
        for n in self.nodes[1:]:
            n.start()
        for n in self.nodes[1:]:
            n.wait_synced()
        self.setup_s = time.time() - t0

    def stop(self):
        for n in reversed(self.nodes):
            n.stop()

    def live(self):
        return [n for n in self.nodes if n.synced()]

    def sql(self, query, node=None, db=None, tries=100):
        """Rows of query on node (or the first synced node), reads causal across the cluster."""
        for _ in range(tries):
            for n in ([node] if node else self.nodes):
                if not n.alive():
                    continue
                args = ["mariadb", "--no-defaults", "-S", n.sock, "-u", "root", "-N", "-B"]
                r = subprocess.run(args + ([db] if db else []) +
                                   ["-e", "SET SESSION wsrep_sync_wait = 1; " + query],
                                   capture_output=True, text=True)
                if r.returncode == 0:
                    return [line.split("\t") for line in r.stdout.splitlines()]
            time.sleep(0.2)
        raise RuntimeError("sql failed on every node: %s: %s" % (query, r.stderr.strip()))


def main():
    if len(sys.argv) < 3 or sys.argv[1] not in ("start", "stop"):
        print(__doc__)
        return 2
    work = os.path.abspath(sys.argv[2])
    state = os.path.join(work, "galera", "cluster.json")
    if sys.argv[1] == "start":
        c = Cluster(work, int(sys.argv[3]) if len(sys.argv) > 3 else 3)
        c.start()
        with open(state, "w") as f:
            json.dump([{"name": n.name, "port": n.port, "socket": n.sock, "pid": n.proc.pid}
                       for n in c.nodes], f)
        for n in c.nodes:
            print(n.name, n.port, n.sock)
        return 0
    for n in reversed(json.load(open(state))):
        try:
            os.kill(n["pid"], signal.SIGTERM)
        except ProcessLookupError:
            pass
        for _ in range(600):
            try:
                os.kill(n["pid"], 0)
            except ProcessLookupError:
                break
            time.sleep(0.1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
