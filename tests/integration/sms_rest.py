#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Driver of sms_rest.test: POST /np_api/validate/sms_validate and GET sms_list against npgwd and
the REST provider stand-ins. Phases: "working" (all six up), "broken" (Telnyx down, Plivo
silent), "secrets" (no credential anywhere; prints the TAP plan). TAP numbering runs on across
phases through $WORK/tap_n; every answer is kept in $WORK/answers.txt for the last phase."""
import base64
import glob
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request

BASE = os.environ["BASE"]
WORK = os.environ["WORK"]
KEYS = {"admin": os.environ["KEY_ADMIN"], "read_only": os.environ["KEY_READ_ONLY"]}
PROVIDERS = os.environ["PROVIDERS"].split()
NAMES = {"twilio": "Twilio", "vonage": "Vonage", "sinch": "Sinch", "telnyx": "Telnyx",
         "plivo": "Plivo", "clicksend": "ClickSend"}
ALL = [NAMES[p] for p in PROVIDERS]
N_FILE = os.path.join(WORK, "tap_n")
n_tests = int(open(N_FILE).read()) if os.path.exists(N_FILE) else 0
failed = 0
# bad keys tried below: they must not come back either
WRONG = {"Twilio": "wrong-token-7f3a", "Vonage": "a1b2c3d4:wrong-secret-7f3a",
         "Sinch": "wrong-token-7f3a", "Telnyx": "KEYwrong7f3a", "Plivo": "wrong-token-7f3a",
         "ClickSend": "npgw-ops:wrong-key-7f3a"}


def ok(cond, name, diag=None):
    global n_tests, failed
    n_tests += 1
    print(("ok %d - %s" if cond else "not ok %d - %s") % (n_tests, name))
    if not cond:
        failed += 1
        for line in str(diag).splitlines()[:25]:
            print("#   " + line)
    sys.stdout.flush()
    with open(N_FILE, "w") as f:
        f.write(str(n_tests))
    return cond


def call(method, path, body=None, cred="admin", raw=None, ctype="application/json"):
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("Content-Type", ctype)
    if cred:
        req.add_header("Authorization", "Basic " + base64.b64encode(KEYS[cred].encode()).decode())
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    with open(os.path.join(WORK, "answers.txt"), "a") as f:
        f.write(text + "\n")
    try:
        return status, json.loads(text)
    except ValueError:
        return status, text


def validate(number, operator, api_key=None, cred="admin"):
    body = {"phone_number": number, "Operator": operator}
    if api_key is not None:
        body["apiKey"] = api_key
    t0 = time.monotonic()
    s, j = call("POST", "/np_api/validate/sms_validate", body, cred=cred)
    return s, j, time.monotonic() - t0


def listing(query=""):
    s, j = call("GET", "/np_api/validate/sms_list" + query, cred="read_only")
    return j if s == 200 else []


def wait_for(pred, seconds=10):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(0.1)
    return pred()


def by_provider(results):
    return {r["x-provider"]: r for r in results} if isinstance(results, list) else {}


def phase_working():
    # --- the seed's call: one provider, one answer of the seed's shape ----------------------
    s, j, _ = validate("5550100", "Twilio")
    seed = ["result", "x-message-id", "x-transaction-id", "x-message-timestamp", "x-provider",
            "x-provider-response"]
    ok(s == 200 and isinstance(j, dict) and list(j)[:6] == seed and j["result"] == "Sent",
       "one provider: the seed's answer, result Sent", (s, j))
    ok(isinstance(j, dict) and j.get("x-message-id", "").startswith("SM")
       and re.fullmatch(r"[0-9a-f]{32}", j.get("x-transaction-id", ""))
       and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", j.get("x-message-timestamp", ""))
       and j.get("x-provider") == "Twilio" and '"status": "queued"' in j.get("x-provider-response", ""),
       "Twilio's message sid, our transaction id, the time, Twilio's own answer", j)
    log = [json.loads(l) for l in open(os.path.join(WORK, "standin.log")) if '"provider"' in l]
    ok(any(e["provider"] == "twilio" and e["status"] == 201 for e in log),
       "the Twilio stand-in accepted the request (path, Basic auth, form fields)", log[-3:])

    # --- every REST provider at once: one result each, in the order asked -------------------
    s, j, took = validate("5550101", ALL)
    ok(s == 200 and isinstance(j, list) and [r["x-provider"] for r in j] == ALL
       and all(r["result"] == "Sent" and r["x-message-id"] for r in j),
       "six providers: six results in the order asked, all Sent", (s, j))
    verdicts = {e["provider"] for e in [json.loads(l) for l in open(os.path.join(WORK, "standin.log"))
                                        if '"provider"' in l] if e["status"] < 300}
    ok(verdicts >= set(PROVIDERS), "each stand-in accepted its provider's request shape", verdicts)
    ids = [r["x-transaction-id"] for r in j] if isinstance(j, list) else []

    # --- delivery receipts: status callbacks (ClickSend: the account URL + custom_string) ---
    def delivered():
        rows = by_provider([r for r in listing("?phone_number=5550101") if r["x-transaction-id"] in ids])
        return rows if len(rows) == 6 and all(r["delivery"] == "delivered" for r in rows.values()) else None
    rows = wait_for(delivered, 15) or by_provider(listing("?phone_number=5550101"))
    ok(rows and all(r["delivery"] == "delivered" for r in rows.values()),
       "every provider's receipt came back: delivered", {k: (v["delivery"], v["delivery_status"]) for k, v in rows.items()})
    ok(rows and all(isinstance(r["delivery_ms"], int) and 0 <= r["delivery_ms"] < 15000
                    and r["delivery_receipts"] >= 1 for r in rows.values()),
       "the time from submission to delivery is measured", {k: v["delivery_ms"] for k, v in rows.items()})
    if rows:
        print("# delivery_ms per provider: " + ", ".join("%s %s" % (k, v["delivery_ms"]) for k, v in sorted(rows.items())))
    ok(rows and rows["Twilio"]["delivery_receipts"] == 2 and rows["Twilio"]["delivery_status"] == "delivered",
       "Twilio's sent then delivered callbacks: two receipts, the final one kept", rows.get("Twilio") if rows else None)

    s, j, _ = validate("5559993", ALL)
    ids = [r["x-transaction-id"] for r in j] if isinstance(j, list) else []
    def failed_all():
        rows = by_provider([r for r in listing("?phone_number=5559993") if r["x-transaction-id"] in ids])
        return rows if len(rows) == 6 and all(r["delivery"] == "failed" for r in rows.values()) else None
    rows = wait_for(failed_all, 15) or by_provider(listing("?phone_number=5559993"))
    ok(rows and all(r["delivery"] == "failed" for r in rows.values()),
       "an undelivered message: every provider's receipt says failed", {k: (v["delivery"], v["delivery_status"], v["delivery_error"]) for k, v in rows.items()})

    # --- refusals, each one per provider ------------------------------------------------------
    s, j, _ = validate("5559990", ALL)
    ok(s == 200 and isinstance(j, list) and all(r["result"] == "Error" and r["x-error-code"] == "invalid_number"
                                                and r["delivery"] is None for r in j),
       "an invalid number: every provider says so (invalid_number)", (s, j))
    s, j, _ = validate("5559991", ALL)
    ok(s == 200 and isinstance(j, list) and all(r["x-error-code"] == "rate_limited" for r in j),
       "rate limited: every provider's 429 or status reads as rate_limited", (s, [r.get("x-error") for r in j] if isinstance(j, list) else j))
    bad = []
    for name in ALL:
        s, j, _ = validate("5550102", name, api_key=WRONG[name])
        if not (s == 200 and j["result"] == "Error" and j["x-error-code"] == "auth" and name in j["x-error"]):
            bad.append((name, s, j))
    ok(not bad, "a wrong apiKey: each provider refuses the credentials (auth)", bad)
    secret = open(os.path.join(WORK, "secrets", "twilio")).read().strip()
    s, j, _ = validate("5550103", "Twilio", api_key=secret)
    ok(s == 200 and j["result"] == "Sent", "the right apiKey overrides the configured key", j)
    s, j, _ = validate("5550103", ["Twilio", "Vonage"], api_key="whatever")
    ok(s == 400 and "one Operator" in j.get("Reason", ""), "an apiKey is never sent to two providers", (s, j))

    # --- a slow provider: the per-provider timeout -------------------------------------------
    s, j, took = validate("5559992", "Sinch")
    ok(s == 200 and j["result"] == "Error" and j["x-error-code"] == "timeout" and took < 6,
       "a provider slower than its timeout (2 s): timeout, in %.1f s" % took, (s, j))

    # --- names, tiers, the list ------------------------------------------------------------------
    s, j, _ = validate("5550104", "Pilvo", cred="read_only")
    ok(s == 200 and j["x-provider"] == "Plivo" and j["result"] == "Sent",
       "the seed's spelling Pilvo is Plivo; read_only may validate", (s, j))
    s, j, _ = validate("5550104", "Enet")
    ok(s == 200 and j["result"] == "Error" and j["x-error-code"] == "not_configured",
       "a provider without settings: not_configured, nothing sent", (s, j))
    s, j, _ = validate("5550104", "Acme")
    ok(s == 400, "an unknown provider is refused (400)", (s, j))
    rows = listing("?phone_number=5550101")
    ok(len(rows) == 6 and all(r["requested_by"] == "ops_admin" and r["kind"] == "validation"
                              and r["x-transaction-id"] and "receipt_token" not in r for r in rows),
       "sms_list: who asked, the ids to give the provider, no receipt token", rows[:1])
    ok(len(listing("?limit=3")) == 3 and len(listing()) >= 20, "sms_list: newest first, limit", None)

    # --- forged receipts change nothing ------------------------------------------------------
    row = listing("?phone_number=5550103&limit=1")[0]
    form = "MessageSid=%s&MessageStatus=failed" % row["x-message-id"]
    s, _ = call("POST", "/np_api/sms/receipt/twilio?t=" + "0" * 32, raw=form.encode(), cred=None,
                ctype="application/x-www-form-urlencoded")
    s2, _ = call("POST", "/np_api/sms/receipt/twilio", raw=form.encode(), cred=None,
                 ctype="application/x-www-form-urlencoded")
    s3, _ = call("POST", "/np_api/sms/receipt/twilio?t=x", raw=b"hello", cred=None,
                 ctype="text/plain")
    after = listing("?phone_number=5550103&limit=1")[0]
    ok(s == 404 and s2 == 404 and s3 == 400 and after["delivery"] == row["delivery"]
       and after["delivery_receipts"] == row["delivery_receipts"],
       "a receipt without the message's token is refused (404, 400) and changes nothing", (s, s2, s3, after))


def phase_broken():
    # Plivo's address accepts connections and never answers; nothing listens on Telnyx's.
    silent = socket.socket()
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    silent.bind(("127.0.0.1", int(os.environ["SILENT_PORT"])))
    silent.listen(16)
    s, j, took = validate("5550105", ALL)
    r = by_provider(j)
    ok(s == 200 and len(r) == 6 and all(r[n]["result"] == "Sent" for n in ALL if n not in ("Telnyx", "Plivo")),
       "Telnyx down and Plivo silent: the four others are Sent", (s, j))
    ok(r.get("Telnyx", {}).get("x-error-code") == "unreachable" and "Telnyx" in r["Telnyx"]["x-error"],
       "Telnyx down: unreachable, saying so", r.get("Telnyx"))
    ok(r.get("Plivo", {}).get("x-error-code") == "timeout" and "2 s" in r["Plivo"]["x-error"],
       "Plivo silent: timeout after its 2 s", r.get("Plivo"))
    fast = max(r[n]["x-elapsed-ms"] for n in ALL if n not in ("Telnyx", "Plivo")) if len(r) == 6 else -1
    ok(took < 3.5 and 0 <= fast < 1500,
       "in parallel: the answer took %.2f s (one timeout), the working providers %d ms at most" % (took, fast),
       (took, fast))
    print("# broken phase: whole request %.2f s; slowest working provider %d ms" % (took, fast))
    silent.close()


def phase_secrets():
    secrets = [open(f).read().strip() for f in glob.glob(os.path.join(WORK, "secrets", "*"))]
    secrets += [w.split(":")[-1] for w in WRONG.values()]
    texts = {}
    for f in ("npgwd.log", "standin.log", "standin.out", "answers.txt"):
        path = os.path.join(WORK, f)
        if os.path.exists(path):
            texts[f] = open(path, errors="replace").read()
    dump = subprocess.run(["mariadb", "--no-defaults", "-S", os.environ["DB_SOCKET"], "-u", "root",
                           "-N", "-B", os.environ["DB_NAME"], "-e",
                           "SELECT * FROM sms_messages; SELECT * FROM audit_log"],
                          capture_output=True, text=True).stdout
    texts["database"] = dump
    leaks = [(name, s[:12]) for name, t in texts.items() for s in secrets if s and s in t]
    ok(not leaks and len(texts["answers.txt"]) > 1000 and "sms_messages" not in texts["database"][:0],
       "no secret (configured or given as apiKey) in npgwd's log, any answer, the database or the stand-ins' logs",
       leaks)
    print("1..%d" % n_tests)


if __name__ == "__main__":
    {"working": phase_working, "broken": phase_broken, "secrets": phase_secrets}[sys.argv[1]]()
    sys.exit(1 if failed else 0)
