#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The /np_api/ REST API against a running npgwd, npsim and MariaDB (started by
api_rest.test): every endpoint with every tier, the whole port-in flow through
REST alone, the code 35 path, every 4xx case, and the reference's curl example
verbatim. Prints TAP; the plan comes last."""
import base64
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ["BASE"]
KEYS = {t: os.environ["KEY_" + t.upper()] for t in ("admin", "pxs", "read_only")}
CONF = os.environ["CONF"]
NPGWCTL = os.environ["NPGWCTL"]
CC = "1"
n_tests = 0
n_failed = 0


def ok(cond, name, diag=None):
    global n_tests, n_failed
    n_tests += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_tests, name))
    if not cond:
        n_failed += 1
        if diag is not None:
            for line in str(diag).splitlines()[:20]:
                print("#   " + line)
    sys.stdout.flush()
    return cond


def call(method, path, body=None, cred="admin", raw=None, headers=None):
    """Returns (status, parsed JSON or text)."""
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if cred is not None:
        userkey = KEYS.get(cred, cred)
        req.add_header("Authorization", "Basic " + base64.b64encode(userkey.encode()).decode())
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def sql(q):
    out = subprocess.run(["mariadb", "--no-defaults", "-S", os.environ["DB_SOCKET"], "-u", "root",
                          "-N", "-B", os.environ["DB_NAME"], "-e", q],
                         capture_output=True, text=True, check=True).stdout
    return out.strip()


def counts():
    """Rows a refused request must not change (the audit log is allowed to grow)."""
    return sql("SELECT (SELECT COUNT(*) FROM port_in), (SELECT COUNT(*) FROM port_out),"
               " (SELECT COUNT(*) FROM port_in_events), (SELECT COUNT(*) FROM routing),"
               " (SELECT COUNT(*) FROM routing_changes), (SELECT COUNT(*) FROM outbox)")


def wait_state(msgid, state, secs=20, kind="PortIn"):
    for _ in range(secs * 10):
        s, j = call("GET", "/np_api/%s/%s" % (kind, msgid))
        if s == 200 and j.get("PortingStateString") == state:
            return j
        time.sleep(0.1)
    return None


def is_error_shape(j, status):
    return (isinstance(j, dict) and isinstance(j.get("result"), str)
            and j["result"].startswith("Exception raised in") and isinstance(j.get("Reason"), str)
            and len(j["Reason"]) > 3)


def create(start, end=None, **over):
    body = {"donornetworkoperator": "", "email": "ops@example.com", "overridecooloff": False,
            "contacttelephonenumber": start, "Type_of_Numbers": "mobile",
            "telephonenumberseriestart": start, "telephonenumberserieend": end or start,
            "AccountType": "Prepaid"}
    body.update(over)
    return call("POST", "/np_api/PortIn/create", body)


# --- authentication -----------------------------------------------------------
s, j = call("GET", "/np_api/PortIn/list", cred=None)
ok(s == 401 and is_error_shape(j, 401), "no credentials: 401 in the error shape", (s, j))
s, j = call("GET", "/np_api/PortIn/list", cred=KEYS["admin"].split(":")[0] + ":wrong")
ok(s == 401, "a wrong key: 401", (s, j))
s, j = call("GET", "/np_api/PortIn/list", cred="nobody:" + KEYS["admin"].split(":")[1])
ok(s == 401, "an unknown user: 401", (s, j))
tmp = subprocess.run([NPGWCTL, "-c", CONF, "key", "create", "temp_user", "admin"],
                     capture_output=True, text=True, check=True).stdout.split()[1]
s, _ = call("GET", "/np_api/PortIn/list", cred=tmp)
ok(s == 200, "a new key works at once", s)
subprocess.run([NPGWCTL, "-c", CONF, "key", "revoke", "temp_user"], capture_output=True, check=True)
revoked_at = time.monotonic()  # npgwd checks a key against the database at most once a second
while True:
    s, _ = call("GET", "/np_api/PortIn/list", cred=tmp)
    if s != 200 or time.monotonic() - revoked_at > 3:
        break
    time.sleep(0.05)
ok(s == 401 and time.monotonic() - revoked_at < 1.5, "a revoked key: 401 within a second",
   (s, round(time.monotonic() - revoked_at, 2)))
ok(sql("SELECT COUNT(*) FROM api_keys WHERE key_hash LIKE '%%%s%%'" % tmp.split(":")[1]) == "0",
   "keys are stored hashed, never as given")

# --- the whole port-in flow through REST alone, starting with the reference's curl example ---
seed_curl = """curl -X POST https://your-host/np_api/PortIn/create \\
-u "your_username:your_api_key" \\
-H "Content-Type: application/json" \\
-d '{
"donornetworkoperator": "DONOR",
"email": "ops@example.com",
"overridecooloff": false,
"contacttelephonenumber": "5550100",
"Type_of_Numbers": "mobile",
"telephonenumberseriestart": "5550100",
"telephonenumberserieend": "5550199",
"AccountType": "Prepaid"
}'"""
cmd = seed_curl.replace("https://your-host", BASE).replace("your_username:your_api_key",
                                                           KEYS["pxs"])
out = subprocess.run(["bash", "-c", cmd + " -s"], capture_output=True, text=True).stdout
try:
    created = json.loads(out)
except ValueError:
    created = {}
ok(created.get("result") == "success" and "msgidentifier" in created,
   "the reference's curl example works verbatim", out)
M = created.get("msgidentifier", "none")
s, j = call("GET", "/np_api/PortIn/" + M, cred="pxs")
ok(s == 200 and j.get("PortingStateString") in ("Waiting_for_Authorisation_Response",
                                                "Waiting_for_Instruction"),
   "GET shows the new port", (s, j))
ok(s == 200 and j.get("phone_number_ranges") == [{"telephonenumberseriestart": "5550100",
                                                 "telephonenumberserieend": "5550199"}],
   "phone_number_ranges as the reference shows them", j)
j = wait_state(M, "Waiting_for_Instruction")
ok(j is not None, "npsim authorises: Waiting_for_Instruction")
s, j = call("POST", "/np_api/PortIn/" + M, cred="pxs")
ok(s == 200, "instruct through REST", (s, j))
j = wait_state(M, "Number_Ported_Complete", 30)
ok(j is not None, "the port completes: Number_Ported_Complete")
ok(j is not None and len(j.get("events", [])) >= 5 and all("PortingStateString" in e or "to_state" in e
                                                           for e in j["events"]),
   "events list every step", j and j.get("events"))
bad = []
for n in range(5550100, 5550200):
    s, r = call("GET", "/np_api/route/%s%d" % (CC, n), cred="pxs")
    ev = r.get("Event", {}) if isinstance(r, dict) else {}
    if not (s == 200 and ev.get("Operator") == "CARR" and ev.get("Ported") is True
            and "rn=+1990001@" in ev.get("NAPTRAddress", "") and "npdi" in ev.get("NAPTRAddress", "")
            and ev.get("NAPTROrder") == 10 and ev.get("NAPTRPreference") == 10):
        bad.append((n, s, r))
ok(not bad, "route query: all 100 numbers route to us with npdi and our rn", bad[:3])
s, j = call("GET", "/np_api/PortIn/get_xml_list/" + M, cred="pxs")
ok(s == 200 and isinstance(j, list) and all(isinstance(f, str) for f in j),
   "get_xml_list returns an array of file names", (s, j))
files = [tuple(f.split("/", 1)) for f in j] if isinstance(j, list) else []
ok(any(f == "output_XML" for f, _ in files) and any(f == "input_XML" for f, _ in files),
   "both the messages we sent and those we received are archived", j)
if files:
    s, body = call("GET", "/np_api/PortIn/get_xml/%s/%s" % files[0], cred="pxs")
    ok(s == 200 and "<" in str(body), "get_xml returns the archived XML", (s, str(body)[:200]))
else:
    ok(False, "get_xml returns the archived XML")

# --- code 35: npsim holds 5550400-5550499 as Postpaid --------------------------
s, j = create("5550400", "5550409", AccountType="Prepaid")
O = j.get("msgidentifier", "none") if isinstance(j, dict) else "none"
ok(s == 200, "a Prepaid port-in of a Postpaid account is created", (s, j))
j = wait_state(O, "Waiting_for_Instruction")
ok(j is not None and j.get("msgidentifier") != O, "GET by the original identifier returns the"
   " active resubmission, authorised", j)
ok(j is not None and j.get("AccountType") == "Postpaid" and j.get("original_porting_request") == O,
   "the resubmission has the account type toggled and names the original", j)
orig = sql("SELECT state, failure_reason FROM port_in WHERE msgidentifier = '%s'" % O)
ok(orig == "99\t35", "the original is Rejected with code 35", orig)

# --- 4xx: every refused request changes nothing ---------------------------------
before = counts()
good = {"donornetworkoperator": "", "email": "ops@example.com", "overridecooloff": False,
        "contacttelephonenumber": "5550500", "Type_of_Numbers": "mobile",
        "telephonenumberseriestart": "5550500", "telephonenumberserieend": "5550509",
        "AccountType": "Prepaid"}
cases = [("bad JSON", None, b'{"email": '), ("a body that is not an object", None, b'[1,2]'),
         ("no body", None, b'')]
for f in ("email", "contacttelephonenumber", "Type_of_Numbers", "telephonenumberseriestart",
          "telephonenumberserieend", "AccountType"):
    b = dict(good)
    del b[f]
    cases.append(("missing " + f, b, None))
for f, v in (("email", 5), ("overridecooloff", "yes"), ("telephonenumberseriestart", 5550500),
             ("AccountType", ["Prepaid"])):
    b = dict(good)
    b[f] = v
    cases.append(("mistyped %s" % f, b, None))
for name, over in (("non-digit start", {"telephonenumberseriestart": "555O500"}),
                   ("non-digit end", {"telephonenumberserieend": "55505x9"}),
                   ("end before start", {"telephonenumberserieend": "5550499"}),
                   ("a range over the configured maximum",
                    {"telephonenumberseriestart": "5550000", "telephonenumberserieend": "5550999"}),
                   ("an unknown Type_of_Numbers", {"Type_of_Numbers": "satellite"}),
                   ("an unknown AccountType", {"AccountType": "Corporate"}),
                   ("an unknown donor", {"donornetworkoperator": "NOSUCH"}),
                   ("numbers no operator owns", {"telephonenumberseriestart": "5559000",
                                                 "telephonenumberserieend": "5559001"})):
    b = dict(good)
    b.update(over)
    cases.append((name, b, None))
for name, body, raw in cases:
    s, j = call("POST", "/np_api/PortIn/create", body, raw=raw)
    ok(s == 400 and is_error_shape(j, 400), "create with %s: 400 with a reason" % name, (s, j))
ok(counts() == before, "none of the refused creates changed anything", (before, counts()))

for method, path in (("GET", "/np_api/PortIn/XX202611-CARR-99999"),
                     ("POST", "/np_api/PortIn/XX202611-CARR-99999"),
                     ("DELETE", "/np_api/PortIn/XX202611-CARR-99999"),
                     ("GET", "/np_api/PortOut/XX202611-OTHER-99999"),
                     ("POST", "/np_api/PortOut/XX202611-OTHER-99999"),
                     ("DELETE", "/np_api/PortOut/XX202611-OTHER-99999"),
                     ("GET", "/np_api/PortIn/get_xml_list/XX202611-CARR-99999")):
    s, j = call(method, path)
    ok(s == 404 and is_error_shape(j, 404), "%s %s: 404" % (method, path), (s, j))

# 409: an action the state does not allow; npsim never answers 5550600
s, j = create("5550600")
W = j.get("msgidentifier", "none") if isinstance(j, dict) else "none"
ok(s == 200 and wait_state(W, "Waiting_for_Authorisation_Response") is not None,
   "a port npsim never answers waits for authorisation")
before = counts()
s, j = call("POST", "/np_api/PortIn/" + W)
ok(s == 409 and is_error_shape(j, 409), "instruct before authorisation: 409", (s, j))
s, j = call("DELETE", "/np_api/PortIn/" + M)
ok(s == 409 and is_error_shape(j, 409), "abort a completed port: 409", (s, j))
s, j = call("POST", "/np_api/PortIn/" + M)
ok(s == 409, "instruct a completed port: 409", (s, j))
after = counts()
ok(after.split("\t")[:2] == before.split("\t")[:2] and after.split("\t")[3:] == before.split("\t")[3:],
   "refused actions changed no port, route or outbox row", (before, after))

# 403: XML downloads outside the archive folders
for folder, name in (("..", "etc%2Fpasswd"), ("input_XML", "..%2F..%2Fetc%2Fpasswd"),
                     ("etc", "passwd"), ("input_XML", "no_such_file.xml"),
                     ("%2E%2E", "npgw.conf")):
    s, j = call("GET", "/np_api/PortIn/get_xml/%s/%s" % (folder, name))
    ok(s == 403 and is_error_shape(j, 403), "get_xml %s/%s: 403 File not found" % (folder, name),
       (s, j))

# lists: the 30 most recent by default, paging and a state filter
for i in range(31):
    create("55507%02d" % i)
s, j = call("GET", "/np_api/PortIn/list")
ok(s == 200 and isinstance(j, list) and len(j) == 30, "list returns the 30 most recent",
   (s, len(j) if isinstance(j, list) else j))
ok(isinstance(j, list) and j and j[0].get("telephonenumberseriestart", j[0].get(
    "phone_number_ranges", [{}])[0].get("telephonenumberseriestart")) == "5550730",
   "most recent first", j[:1])
s, j = call("GET", "/np_api/PortIn/list?limit=5&offset=2")
ok(s == 200 and len(j) == 5, "?limit=5&offset=2 pages", (s, j if not isinstance(j, list) else len(j)))
st = call("GET", "/np_api/PortIn/" + W)[1].get("PortingState")
s, j = call("GET", "/np_api/PortIn/list?state=%s&limit=1000" % st)
ok(s == 200 and len(j) >= 32 and all(p.get("PortingState") == st for p in j), "?state= filters",
   (s, str(j)[:300]))
s, j = call("GET", "/np_api/PortIn/list?limit=abc")
ok(s == 400 and is_error_shape(j, 400), "a bad paging parameter: 400", (s, j))

# --- routing endpoints ------------------------------------------------------------
s, j = call("GET", "/np_api/route/15551234", cred="pxs")
ev = j.get("Event", {}) if isinstance(j, dict) else {}
ok(s == 200 and ev.get("Ported") is False and ev.get("Operator") == "CARR"
   and "npdi" in ev.get("NAPTRAddress", "") and "rn=" not in ev.get("NAPTRAddress", ""),
   "a home number that never moved: npdi without rn", j)
s, j = call("GET", "/np_api/route/15559999")
ok(s == 404 and is_error_shape(j, 404), "a number nobody serves: 404", (s, j))
s, j = call("GET", "/np_api/route/+15550100")
ok(s == 400 and is_error_shape(j, 400), "a msisdn with '+': 400", (s, j))
before = counts()
for path, why in (("/np_api/route/15551234/NOSUCH/mobile", "an unknown operator"),
                  ("/np_api/route/15551234/OTHER/satellite", "an unknown type"),
                  ("/np_api/route/1555x234/OTHER/mobile", "a non-digit number")):
    s, j = call("POST", path, cred="pxs")
    ok(s == 400 and is_error_shape(j, 400), "push with %s: 400" % why, (s, j))
s, j = call("DELETE", "/np_api/route/15551235", cred="pxs")
ok(s == 404 and is_error_shape(j, 404), "delete a number with no routing record: 404", (s, j))
ok(counts() == before, "refused routing calls changed nothing", (before, counts()))
s, j = call("POST", "/np_api/route/15551234/OTHER/fixed", cred="pxs")
ev = j.get("Event", {}) if isinstance(j, dict) else {}
ok(s == 200 and ev.get("Operator") == "OTHER" and ev.get("Source") == "manual"
   and ev.get("NAPTRAddress", "").startswith("!^.*$!tel:+15551234;npdi;rn=+1990003"),
   "push routes the number to OTHER in OTHER's tel form", j)
ok(sql("SELECT COUNT(*) FROM outbox WHERE kind = 'dns' AND payload LIKE 'none:0 15551234-15551234'")
   == "1", "the change is queued for DNS publication")
s, j = call("GET", "/np_api/route/hss_route/15551234", cred="pxs")
ok(s == 200 and j.get("HSS", {}).get("Subscribed") is False
   and j["HSS"].get("ServingOperator") == "OTHER", "hss_route: no longer our subscriber", j)
s, j = call("DELETE", "/np_api/route/15551234", cred="pxs")
ok(s == 200 and j.get("result") == "success", "delete the routing record", (s, j))
s, j = call("GET", "/np_api/route/15551234", cred="pxs")
ok(s == 200 and j["Event"]["Operator"] == "CARR" and j["Event"]["Ported"] is False,
   "after the delete the number falls back to its home operator", j)
s, j = call("GET", "/np_api/route/hss_route/15551234", cred="read_only")
ok(s == 403, "read_only may not query routing", (s, j))
# an operator newer than npgwd's one-second snapshot: added and routed to by another process
# (npgwctl), then read at once: the answer names it, read by its id from the database
subprocess.run([NPGWCTL, "-c", CONF, "operator", "add", "FRESH", "--rn", "1990077",
                "--ims-domain", "ims.fresh.example"], capture_output=True, check=True)
subprocess.run([NPGWCTL, "-c", CONF, "route", "push", "5551236", "FRESH"], capture_output=True,
               check=True)
# (another process's change reaches npgwd's routing index within its follow period, 50 ms)
deadline = time.time() + 5
while True:
    s, j = call("GET", "/np_api/route/15551236", cred="pxs")
    ev = j.get("Event", {}) if isinstance(j, dict) else {}
    if ev.get("Operator") == "FRESH" or time.time() > deadline:
        break
    time.sleep(0.02)
ok(s == 200 and ev.get("Operator") == "FRESH" and ev.get("RoutingNumber") == "1990077"
   and "rn=+1990077@ims.fresh.example" in ev.get("NAPTRAddress", ""),
   "a number routed by another process to an operator added a moment ago names it and its rn", j)

# --- the list's search and count, whoami (for the ops UI) ----------------------------
s, j = call("GET", "/np_api/PortIn/list?q=" + M[-5:], cred="pxs")
ok(s == 200 and [p["msgidentifier"] for p in j] == [M], "list ?q= finds a port by part of its id", j)
s, j = call("GET", "/np_api/PortIn/count?q=" + M, cred="pxs")
ok(s == 200 and j.get("total") == 1 and j.get("q") == M, "count ?q= counts the same", j)
s, j = call("GET", "/np_api/PortIn/count?q=%25", cred="pxs")
ok(s == 200 and j.get("total") == 0, "a '%' in q is no wildcard", j)
s, j = call("GET", "/np_api/PortIn/list?q=" + "9" * 33, cred="pxs")
ok(s == 400 and is_error_shape(j, 400), "a q longer than 32 characters is refused", (s, j))
s, j = call("DELETE", "/np_api/PortOut/XX202611-OTHER-99999", {"reason": "because"}, cred="pxs")
ok(s == 400 and "reason must be" in j.get("Reason", ""), "a DELETE's JSON body is read (the reject reason)",
   (s, j))
s, j = call("GET", "/np_api/whoami", cred="read_only")
ok(s == 200 and j.get("tier") == "read_only" and "POST /np_api/validate/sms_validate" in j["routes"]
   and "GET /np_api/PortIn/list" not in j["routes"], "whoami lists the routes of the key's tier", j)

# --- every endpoint with every tier (the reference's tables) ------------------------
ADMIN_PXS, ALL = {"admin", "pxs"}, {"admin", "pxs", "read_only"}
# (method, path, body, tiers allowed, the status each allowed tier gets: one for all, or by tier)
endpoints = [
    ("POST", "/np_api/PortIn/create", dict(good, telephonenumberseriestart="5550610",
                                           telephonenumberserieend="5550610"), ADMIN_PXS,
     {"admin": 200, "pxs": 409}),  # the second create of the same numbers: under way already
    ("GET", "/np_api/PortIn/list", None, ADMIN_PXS, 200),
    ("GET", "/np_api/PortIn/" + M, None, ADMIN_PXS, 200),
    ("POST", "/np_api/PortIn/" + W, None, ADMIN_PXS, 409),  # W waits for authorisation
    ("DELETE", "/np_api/PortIn/XX202611-CARR-99999", None, ADMIN_PXS, 404),
    ("GET", "/np_api/PortIn/get_xml_list/" + M, None, ADMIN_PXS, 200),
    ("GET", "/np_api/PortIn/get_xml/%s/%s" % (files[0] if files else ("input_XML", "x")), None,
     ADMIN_PXS, 200 if files else 403),
    ("GET", "/np_api/PortOut/list", None, ADMIN_PXS, 200),
    ("GET", "/np_api/PortOut/XX202611-OTHER-99999", None, ADMIN_PXS, 404),
    ("POST", "/np_api/PortOut/XX202611-OTHER-99999", None, ADMIN_PXS, 404),
    ("DELETE", "/np_api/PortOut/XX202611-OTHER-99999", {"reason": "outstanding_balance"},
     ADMIN_PXS, 404),
    ("GET", "/np_api/route/15550100", None, ADMIN_PXS, 200),
    ("POST", "/np_api/route/15551300/CARR/mobile", None, ADMIN_PXS, 200),
    ("DELETE", "/np_api/route/15551301", None, ADMIN_PXS, 404),
    ("GET", "/np_api/route/hss_route/15550100", None, ADMIN_PXS, 200),
    ("POST", "/np_api/validate/sms_validate", {"phone_number": "5550100", "Operator": "Twilio"},
     ALL, 200),  # not configured here: 200 with result Error, saying so
    ("GET", "/np_api/validate/sms_list", None, ALL, 200),
    # the providers' status callbacks need no key (a per-message token): every tier gets in,
    # and an empty callback is refused for what it lacks
    ("POST", "/np_api/sms/receipt/twilio", None, ALL, 400),
    ("GET", "/np_api/sms/receipt/vonage", None, ALL, 400),
    ("GET", "/np_api/info/15550100", None, ALL, 200),
    ("DELETE", "/np_api/terminate/15551302/mobile", None, ADMIN_PXS, 200),
    # beside the reference, for the ops UI
    ("GET", "/np_api/PortIn/count", None, ADMIN_PXS, 200),
    ("GET", "/np_api/PortOut/count", None, ADMIN_PXS, 200),
    ("GET", "/np_api/PortOut/get_xml_list/XX202611-OTHER-99999", None, ADMIN_PXS, 404),
    ("GET", "/np_api/whoami", None, ALL, 200),
    ("GET", "/np_api/operators", None, ADMIN_PXS, 200),
    ("GET", "/np_api/stats", None, ADMIN_PXS, 200),
    ("GET", "/np_api/alarms", None, ADMIN_PXS, 200),
]
envelope = (b'<?xml version="1.0"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/'
            b'soap/envelope/"><SOAP-ENV:Body/></SOAP-ENV:Envelope>')
for cred, want in ((None, 401), ("read_only", 403)):
    s, j = call("POST", "/np_api/pxs/recv/", raw=envelope, cred=cred,
                headers={"Content-Type": "text/xml"})
    ok(s == want and "Fault" in str(j), "the clearinghouse receiver as %s: %d with a SOAP fault"
       % (cred, want), (s, str(j)[:300]))
s, j = call("GET", "/np_api/pxs/recv/?wsdl", cred=None)
ok(s == 200 and "definitions" in str(j), "the receiver answers ?wsdl with its WSDL", s)
routes = subprocess.run([os.environ["NPGWD"], "--list-routes"], capture_output=True,
                        text=True).stdout.split("\n")
covered = set()
for method, path, body, allowed, status in endpoints:
    for tier in ("admin", "pxs", "read_only"):
        audit_before = sql("SELECT COUNT(*) FROM audit_log")
        before = counts()
        s, j = call(method, path, body, cred=tier)
        if tier in allowed:
            want = status[tier] if isinstance(status, dict) else status
            ok(s == want, "%s %s as %s: %d" % (method, path, tier, want), (s, j))
        else:
            ok(s == 403 and is_error_shape(j, 403) and counts() == before,
               "%s %s as %s: 403, nothing changed" % (method, path, tier), (s, j))
            if method != "GET":
                ok(sql("SELECT COUNT(*) FROM audit_log") != audit_before,
                   "the refused %s %s by %s is in the audit log" % (method, path, tier))
    for r in routes:
        parts = r.split()
        if len(parts) == 2 and parts[0].upper() == method:
            pat = parts[1].split("/")
            got = path.split("/")
            if len(pat) == len(got) and all(p.startswith("{") or p == g for p, g in zip(pat, got)):
                covered.add(r)
                break
missing = [r for r in routes if r.strip() and r not in covered and "/recv/" not in r
           and "/np_api/doc" not in r and "swagger.json" not in r]
ok(not missing, "the tier matrix covers every REST route", missing)

audit = sql("SELECT actor, action, result FROM audit_log WHERE action LIKE 'POST%create%'"
            " ORDER BY id LIMIT 1")
ok(audit.startswith(KEYS["pxs"].split(":")[0] + "\tPOST") and audit.endswith("200"),
   "mutating calls are in the audit log: who, what, result", audit)

print("1..%d" % n_tests)
sys.exit(1 if n_failed else 0)
