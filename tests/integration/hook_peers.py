#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Stand-ins for the carrier's own systems, on loopback, for the hook tests.

    hook_peers.py bss PORT OPENAPI [--rule NUMBER=ANSWER]...
        The BSS eligibility endpoint (POST /eligibility). Requests must match
        EligibilityRequest in OPENAPI (docs/integrations.openapi.json) or get a 400.
        ANSWER: eligible | a reason (outstanding_balance...) | slow:MS | silent | error
    hook_peers.py cgrates PORT [--fail N]
        CGrateS's JSON-RPC (POST /jsonrpc): only APIerSv2.GetAccount, APIerSv2.SetAccount,
        APIerSv1.SetAttributeProfile, APIerSv1.RemoveAttributeProfile and
        APIerSv1.RemoveAccount, each with CGrateS's own argument fields and types; anything
        else is refused as CGrateS would. --fail N: the first N calls get HTTP 503.
    hook_peers.py sms PORT OPENAPI [--fail N]
        The welcome SMS endpoint (POST /sms), SmsRequest of OPENAPI.

Every server answers GET /log (what it received, in order) and, for cgrates, GET /state.
POST /control {"fail": N} makes the next N requests fail (503); {"slow": N, "slow_ms": MS}
makes the next N requests wait MS milliseconds before they are handled.
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jsonschema

LOCK = threading.Lock()
LOG = []
STATE = {"accounts": {}, "profiles": {}}
FAIL = {"n": 0}
SLOW = {"n": 0, "ms": 0}


def validator(openapi_path, name):
    doc = json.load(open(openapi_path))
    schema = dict(doc)
    schema["$ref"] = "#/components/schemas/" + name
    return jsonschema.Draft202012Validator(schema)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, status, obj=None):
        body = b"" if obj is None else json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with LOCK:
            if self.path == "/log":
                return self.reply(200, LOG)
            if self.path == "/state":
                return self.reply(200, STATE)
        self.reply(404, {"error": "no such path"})

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n)

    def do_POST(self):
        raw = self.body()
        if self.path == "/control":
            ctl = json.loads(raw)
            with LOCK:
                FAIL["n"] = ctl.get("fail", 0)
                SLOW["n"], SLOW["ms"] = ctl.get("slow", 0), ctl.get("slow_ms", 0)
            return self.reply(204)
        with LOCK:
            failing = FAIL["n"] > 0
            if failing:
                FAIL["n"] -= 1
            slow = 0 if failing or SLOW["n"] <= 0 else SLOW["ms"]
            if slow:
                SLOW["n"] -= 1
        if slow:
            time.sleep(slow / 1000)
        if failing:
            with LOCK:
                LOG.append({"at": time.time(), "failed": True, "raw": raw.decode(errors="replace")})
            return self.reply(503, {"error": {"code": "unavailable", "message": "down for the test"}})
        self.handle_post(raw)


class Bss(Handler):
    rules = {}
    schema = None

    def handle_post(self, raw):
        if self.path != "/eligibility":
            return self.reply(404, {"error": {"code": "not_found", "message": self.path}})
        try:
            req = json.loads(raw)
            self.schema.validate(req)
        except (ValueError, jsonschema.ValidationError) as e:
            with LOCK:
                LOG.append({"at": time.time(), "bad": str(e)[:300]})
            return self.reply(400, {"error": {"code": "bad_request", "message": str(e)[:200]}})
        with LOCK:
            LOG.append({"at": time.time(), "request": req, "idempotency_key": self.headers.get("Idempotency-Key"),
                        "authorization": self.headers.get("Authorization")})
        answer = "eligible"
        numbers = []
        for r in req["ranges"]:
            for n in range(int(r["first"]), int(r["last"]) + 1):
                numbers.append(str(n))
                answer = self.rules.get(str(n), answer) if answer == "eligible" else answer
        if answer.startswith("slow:"):
            time.sleep(int(answer[5:]) / 1000)
            answer = "eligible"
        if answer == "silent":
            time.sleep(60)
            return
        if answer == "error":
            return self.reply(500, {"error": {"code": "internal", "message": "billing database unreachable"}})
        if answer == "eligible":
            return self.reply(200, {"eligible": True})
        bad = [n for n in numbers if self.rules.get(n) == answer]
        self.reply(200, {"eligible": False, "reasons": [answer],
                         "numbers": [{"number": n, "eligible": False, "reasons": [answer]} for n in bad],
                         "detail": "stand-in BSS says %s" % answer})


# CGrateS's argument structures (apier/v1, apier/v2, engine, utils): field -> JSON type.
STR, BOOL, LIST, OBJ, NUM = str, bool, list, dict, (int, float)
SHAPES = {
    "APIerSv2.GetAccount": ({"Tenant": STR, "Account": STR}, ["Account"]),
    "APIerSv2.SetAccount": ({"Tenant": STR, "Account": STR, "ActionPlanIDs": LIST, "ActionPlansOverwrite": BOOL,
                             "ActionTriggerIDs": LIST, "ActionTriggerOverwrite": BOOL, "ExtraOptions": OBJ,
                             "ReloadScheduler": BOOL}, ["Account"]),
    "APIerSv1.SetAttributeProfile": ({"Tenant": STR, "ID": STR, "Contexts": LIST, "FilterIDs": LIST,
                                      "ActivationInterval": (dict, type(None)), "Attributes": LIST,
                                      "Blocker": BOOL, "Weight": NUM, "APIOpts": OBJ}, ["ID", "Attributes"]),
    "APIerSv1.RemoveAttributeProfile": ({"Tenant": STR, "ID": STR, "APIOpts": OBJ}, ["ID"]),
    "APIerSv1.RemoveAccount": ({"Tenant": STR, "Account": STR, "ReloadScheduler": BOOL}, ["Account"]),
}
ATTRIBUTE = {"FilterIDs": (list, type(None)), "Path": STR, "Type": STR, "Value": LIST}


def check_shape(method, params):
    if method not in SHAPES:
        return "rpc: can't find service %s" % method
    if not isinstance(params, list) or len(params) != 1 or not isinstance(params[0], dict):
        return "SERVER_ERROR: params must be one object"
    fields, mandatory = SHAPES[method]
    arg = params[0]
    for k, v in arg.items():
        if k not in fields:
            return "SERVER_ERROR: json: unknown field %r" % k
        if not isinstance(v, fields[k]) or (fields[k] is NUM and isinstance(v, bool)):
            return "SERVER_ERROR: json: cannot unmarshal %s into %s" % (type(v).__name__, k)
    missing = [m for m in mandatory if not arg.get(m)]
    if missing:
        return "MANDATORY_IE_MISSING: %s" % missing
    if method == "APIerSv2.SetAccount":
        for k, v in arg.get("ExtraOptions", {}).items():
            if k not in ("AllowNegative", "Disabled") or not isinstance(v, bool):
                return "SERVER_ERROR: bad ExtraOptions %r" % k
    if method == "APIerSv1.SetAttributeProfile":
        for a in arg["Attributes"]:
            if not isinstance(a, dict) or any(k not in ATTRIBUTE for k in a) or not a.get("Path"):
                return "MANDATORY_IE_MISSING: [Path]"
            for v in a.get("Value") or []:
                if not isinstance(v, dict) or list(v) != ["Rules"] or not v["Rules"]:
                    return "MANDATORY_IE_MISSING: [Rules]"
    return None


class Cgrates(Handler):
    def handle_post(self, raw):
        if self.path != "/jsonrpc":
            return self.reply(404)
        try:
            call = json.loads(raw)
            method, params, cid = call["method"], call["params"], call["id"]
            if set(call) != {"method", "params", "id"}:
                raise ValueError("not a JSON-RPC call")
        except (ValueError, KeyError, TypeError):
            return self.reply(400, {"error": "bad request"})
        err = check_shape(method, params)
        result = None
        with LOCK:
            LOG.append({"at": time.time(), "method": method, "params": params, "error": err})
            if not err:
                arg = params[0]
                tenant = arg.get("Tenant") or "cgrates.org"
                accts, profs = STATE["accounts"], STATE["profiles"]
                key = "%s:%s" % (tenant, arg.get("Account") or arg.get("ID"))
                if method == "APIerSv2.GetAccount":
                    if key in accts:
                        result = {"ID": key, "BalanceMap": None, "Disabled": accts[key]["Disabled"],
                                  "AllowNegative": False}
                    else:
                        err = "NOT_FOUND"
                elif method == "APIerSv2.SetAccount":
                    a = accts.setdefault(key, {"Disabled": False, "ActionPlanIDs": [], "asap_runs": 0})
                    a["Disabled"] = arg.get("ExtraOptions", {}).get("Disabled", a["Disabled"])
                    for p in arg.get("ActionPlanIDs") or []:
                        a["asap_runs"] += 1  # every SetAccount naming a plan runs its *asap actions
                        if p not in a["ActionPlanIDs"]:
                            a["ActionPlanIDs"].append(p)
                    result = "OK"
                elif method == "APIerSv1.SetAttributeProfile":
                    profs[key] = arg
                    result = "OK"
                elif method == "APIerSv1.RemoveAttributeProfile":
                    if profs.pop(key, None) is None:
                        err = "NOT_FOUND"
                    else:
                        result = "OK"
                elif method == "APIerSv1.RemoveAccount":
                    if accts.pop(key, None) is None:
                        err = "NOT_FOUND"
                    else:
                        result = "OK"
        self.reply(200, {"id": cid, "result": result, "error": err})


class Sms(Handler):
    schema = None

    def handle_post(self, raw):
        if self.path != "/sms":
            return self.reply(404)
        try:
            req = json.loads(raw)
            self.schema.validate(req)
            if self.headers.get("Idempotency-Key") != req["reference"]:
                raise ValueError("Idempotency-Key is not the reference")
        except (ValueError, jsonschema.ValidationError) as e:
            with LOCK:
                LOG.append({"at": time.time(), "bad": str(e)[:300]})
            return self.reply(400, {"error": {"code": "bad_request", "message": str(e)[:200]}})
        with LOCK:
            LOG.append({"at": time.time(), "request": req})
        self.reply(202, {"message_id": "SM-" + req["reference"]})


def main():
    role, port = sys.argv[1], int(sys.argv[2])
    args = sys.argv[3:]
    if role == "bss":
        Bss.schema = validator(args[0], "EligibilityRequest")
        for i, a in enumerate(args):
            if a == "--rule":
                n, ans = args[i + 1].split("=", 1)
                Bss.rules[n] = ans
        handler = Bss
    elif role == "cgrates":
        handler = Cgrates
    elif role == "sms":
        Sms.schema = validator(args[0], "SmsRequest")
        handler = Sms
    else:
        sys.exit("unknown role " + role)
    if "--fail" in args:
        FAIL["n"] = int(args[args.index("--fail") + 1])
    server = ThreadingHTTPServer(("127.0.0.1", port), handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
