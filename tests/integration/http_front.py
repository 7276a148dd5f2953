#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Hostile and unusual HTTP clients against npgwd's front, over raw sockets (the framing is
# what is tested, so no HTTP library). Prints one line per check: "ok|not ok DESCRIPTION [# got]".
# usage: http_front.py PORT USER:KEY RECV_TIMEOUT
import base64
import resource
import socket
import sys
import threading
import time

PORT, CRED, RECV_TIMEOUT = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
AUTH = "Authorization: Basic " + base64.b64encode(CRED.encode()).decode() + "\r\n"
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def report(ok, what, got=None):
    print("%s %s%s" % ("ok" if ok else "not ok", what, "" if ok or got is None else "  # got: %r" % (got,)))
    sys.stdout.flush()


def connect(src=None):
    s = socket.socket()
    if src:
        s.bind((src, 0))
    s.connect(("127.0.0.1", PORT))
    return s


def read_reply(s, timeout=5.0):
    """One whole HTTP reply (by its Content-Length); (status, headers, body) or None."""
    s.settimeout(timeout)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                return None
            data += chunk
        head, rest = data.split(b"\r\n\r\n", 1)
        lines = head.decode("latin-1").split("\r\n")
        headers = {}
        for line in lines[1:]:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
        n = int(headers.get("content-length", "0"))
        while len(rest) < n:
            chunk = s.recv(65536)
            if not chunk:
                break
            rest += chunk
        return int(lines[0].split()[1]), headers, rest[:n], rest[n:]
    except (socket.timeout, ConnectionError):
        return None


def request(raw, timeout=5.0, src=None):
    s = connect(src)
    s.sendall(raw)
    r = read_reply(s, timeout)
    s.close()
    return r


def health_time(src=None):
    t = time.monotonic()
    r = request(b"GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", 5.0, src)
    return time.monotonic() - t, r[0] if r else None


def closed_by_server(s, wait):
    s.settimeout(wait)
    try:
        return s.recv(100) == b""
    except socket.timeout:
        return False
    except ConnectionError:
        return True


CREATE = (b'{"email":"ops@example.com","contacttelephonenumber":"%s","Type_of_Numbers":"mobile",'
          b'"AccountType":"Prepaid","telephonenumberseriestart":"%s","telephonenumberserieend":"%s"}')


def post(path, body, extra=b""):
    return (b"POST " + path + b" HTTP/1.1\r\nHost: t\r\n" + AUTH.encode() +
            b"Content-Type: application/json\r\n" + extra)


# --- slow and idle clients must not starve the workers ---------------------------------------
slow, idle = [], []
for i in range(40):  # a request head that dribbles in
    s = connect("127.0.0.%d" % (2 + i % 50))
    s.sendall(b"POST /np_api/PortIn/list HTTP/1.1\r\nHost: t\r\n")
    slow.append(s)
for i in range(1000):  # connected, silent
    try:
        idle.append(connect("127.0.1.%d" % (2 + i % 200)))
    except OSError:
        break
stop = False


def dribble():
    while not stop:
        for s in slow:
            try:
                s.send(b"X")
            except OSError:
                pass
        time.sleep(0.5)


t = threading.Thread(target=dribble)
t.start()
worst = max(health_time()[0] for _ in range(10))
report(worst < 1.0, "/health answers within a second while 40 clients dribble and %d sit idle" % len(idle), worst)
times = []
ths = [threading.Thread(target=lambda: times.append(health_time()[0])) for _ in range(20)]
[x.start() for x in ths]
[x.join() for x in ths]
report(max(times) < 2.0, "20 /health at once are answered meanwhile", max(times))
time.sleep(RECV_TIMEOUT + 1.0)
stop = True
t.join()
gone = sum(1 for s in slow if closed_by_server(s, 1.0))
report(gone == len(slow), "a request not whole within recv_timeout is dropped", gone)
gone = sum(1 for s in idle[:50] if closed_by_server(s, 0.2))
report(gone == 50, "idle connections are closed after recv_timeout", gone)
for s in slow + idle:
    s.close()

# --- framing -----------------------------------------------------------------------------------
body = CREATE % (b"5550700", b"5550700", b"5550700")
chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + 7]), body[i:i + 7]) for i in range(0, len(body), 7))
r = request(post(b"/np_api/PortIn/create", body, b"Transfer-Encoding: chunked\r\n\r\n") + chunked + b"0\r\n\r\n")
report(r is not None and r[0] == 200 and b"success" in r[2], "a chunked request body is read whole", r and r[:3:2])
r = request(post(b"/np_api/PortIn/create", body, b"Transfer-Encoding: chunked\r\nTrailer: X\r\n\r\n") +
            b"%x;ext=1\r\n%s\r\n0\r\nX: y\r\n\r\n" % (len(body), body.replace(b"5550700", b"5550701")))
report(r is not None and r[0] == 200, "chunk extensions and trailers are accepted", r and r[:3:2])

s = connect()
s.sendall(post(b"/np_api/PortIn/create", body, b"Content-Length: %d\r\n\r\n" % (len(body) + 50)) + body)
report(closed_by_server(s, RECV_TIMEOUT + 2.0), "a body shorter than its Content-Length is dropped after recv_timeout")
s.close()

for what, extra, want in (
        ("Content-Length with Transfer-Encoding", b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
        ("two different Content-Lengths", b"Content-Length: 2\r\nContent-Length: 3\r\n\r\n{}", 400),
        ("a transfer coding other than chunked", b"Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n", 501),
        ("a bad chunk size", b"Transfer-Encoding: chunked\r\n\r\nzz\r\n", 400)):
    r = request(post(b"/np_api/PortIn/create", b"", extra))
    report(r is not None and r[0] == want and r[1].get("connection") == "close",
           "%s is refused with %d and the connection closed" % (what, want), r and (r[0], r[1].get("connection")))
r = request(b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: " + b"a" * 20000 + b"\r\n\r\n")
report(r is not None and r[0] == 431, "a request head over max_header_bytes is 431", r and r[0])
r = request(b"GET /health HTTP/1.1\r\nHost: t\r\n Folded: x\r\n\r\n")
report(r is not None and r[0] == 400, "a folded header line is 400", r and r[0])
r = request(b"GET /health HTTP/2.0\r\nHost: t\r\n\r\n")
report(r is not None and r[0] == 505, "an HTTP version other than 1.x is 505", r and r[0])

s = connect()
s.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\nGET /wsdl/nothing HTTP/1.1\r\nHost: t\r\n\r\n")
a = read_reply(s)
b = None
if a and a[3]:  # the second reply may have come in the same read
    s2data = a[3]
    s.settimeout(5)
    while b"\r\n\r\n" not in s2data:
        s2data += s.recv(65536)
    b = int(s2data.split(b"\r\n", 1)[0].split()[1])
else:
    r2 = read_reply(s)
    b = r2 and r2[0]
report(a is not None and a[0] == 200 and b == 404, "two pipelined requests get two replies, in order", (a and a[0], b))
s.close()

s = connect()
s.sendall(post(b"/np_api/PortIn/list", b"", b"Content-Length: 0\r\n\r\n").replace(b"POST", b"GET"))
first = read_reply(s)
s.sendall(b"GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
second = read_reply(s)
report(first is not None and first[1].get("connection") == "keep-alive" and second is not None and second[0] == 200,
       "a keep-alive connection serves a second request", (first and first[1].get("connection"), second and second[0]))
s.close()

s = connect()
big = CREATE % (b"5550702", b"5550702", b"5550702")
s.sendall(post(b"/np_api/PortIn/create", big, b"Expect: 100-continue\r\nContent-Length: %d\r\n\r\n" % len(big)))
s.settimeout(5)
interim = s.recv(100)
s.sendall(big)
r = read_reply(s)
report(interim.startswith(b"HTTP/1.1 100 Continue") and r is not None and r[0] == 200,
       "Expect: 100-continue gets 100 Continue, then the reply", (interim[:30], r and r[0]))
s.close()

r = request(b"POST /soap/ HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n<x")
report(r is not None and r[0] == 404, "nothing is served at /soap/ any more", r and r[0])

# --- the attribute bomb ------------------------------------------------------------------------
attrs = b" ".join(b'a%d="x"' % i for i in range(90000))
bomb = (b'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">'
        b'<SOAP-ENV:Body><x ' + attrs + b'/></SOAP-ENV:Body></SOAP-ENV:Envelope>')
raw = (b"POST /np_api/pxs/recv/ HTTP/1.1\r\nHost: t\r\n" + AUTH.encode() +
       b"Content-Type: text/xml\r\nContent-Length: %d\r\n\r\n" % len(bomb) + bomb)
t0 = time.monotonic()
r = request(raw, 30.0)
took = time.monotonic() - t0
report(r is not None and r[0] == 500 and b"more than 128 attributes" in r[2] and took < 2.0,
       "90,000 attributes on one element are refused at once", (r and r[0], round(took, 2)))
bombs = [threading.Thread(target=request, args=(raw, 30.0)) for _ in range(8)]
[x.start() for x in bombs]
worst = max(health_time()[0] for _ in range(5))
[x.join() for x in bombs]
report(worst < 1.0, "/health answers within a second while 8 bombs arrive", worst)

# --- limits ------------------------------------------------------------------------------------
many = [connect("127.0.2.7") for _ in range(70)]
time.sleep(0.3)
shed = sum(1 for s in many[:10] if closed_by_server(s, 0.3))
report(shed == 10, "past max_connections_per_client the oldest idle connections of that client are shed", shed)
d, st = health_time("127.0.2.7")
report(st == 200, "and the client still gets a new request answered", st)
for s in many:
    s.close()
