#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Clients that send HTTP Basic credentials only after a 401 challenge, as many do.
# Prints one JSON line; "challenges" counts the 401s that urllib's Basic handler answered.
# usage: auth_clients.py urllib URL USER:KEY
#          {"challenges": N, "status": S, "body": parsed JSON or text}
#        auth_clients.py suds WSDL_URL USER:KEY OPERATION [name=value ...] [location=URL]
#          {"challenges": N, "ok": true, ...response fields} or
#          {"challenges": N, "ok": false, "fault": faultstring, "code": detail Code} or
#          {"challenges": N, "ok": false, "http": status} when no SOAP answer came
#        PortIn fields go into PortDetails, except ExternalReference.
import json
import sys
import urllib.error
import urllib.request

CHALLENGES = 0
_answer_401 = urllib.request.HTTPBasicAuthHandler.http_error_401


def counting_401(self, req, fp, code, msg, headers):
    global CHALLENGES
    CHALLENGES += 1
    return _answer_401(self, req, fp, code, msg, headers)


# Count only: the handler (and so suds' HttpAuthenticated transport) behaves as shipped.
urllib.request.HTTPBasicAuthHandler.http_error_401 = counting_401


def with_urllib(url, cred):
    user, key = cred.split(":", 1)
    pm = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    pm.add_password(None, url, user, key)
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(pm))
    try:
        r = opener.open(url, timeout=30)
        status, text = r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        status, text = e.code, e.read().decode()
    try:
        body = json.loads(text)
    except ValueError:
        body = text
    return {"challenges": CHALLENGES, "status": status, "body": body}


def with_suds(wsdl, cred, op, args):
    from suds.client import Client
    from suds import WebFault
    from suds.transport import TransportError

    user, key = cred.split(":", 1)
    opts = {"username": user, "password": key, "timeout": 30}
    if "location" in args:  # a WSDL read from a file names no usable address
        opts["location"] = args.pop("location")
    c = Client(wsdl, **opts)
    if op == "PortIn":
        call = {"PortDetails": {k: v for k, v in args.items() if k != "ExternalReference"}}
        if "ExternalReference" in args:
            call["ExternalReference"] = args["ExternalReference"]
    else:
        call = args
    try:
        r = getattr(c.service, op)(**call)
    except WebFault as f:
        d = getattr(f.fault, "detail", None)
        code = getattr(getattr(d, "PortInFault", None), "Code", None)
        return {"challenges": CHALLENGES, "ok": False, "fault": str(f.fault.faultstring),
                "code": None if code is None else str(code)}
    except TransportError as e:
        return {"challenges": CHALLENGES, "ok": False, "http": e.httpcode}
    except Exception as e:  # suds reports other HTTP statuses as Exception((status, text))
        if e.args and isinstance(e.args[0], tuple) and isinstance(e.args[0][0], int):
            return {"challenges": CHALLENGES, "ok": False, "http": e.args[0][0]}
        raise
    out = {"challenges": CHALLENGES, "ok": True}
    for k, v in dict(r).items():
        out[k] = v.isoformat() if hasattr(v, "isoformat") else v if isinstance(v, bool) else str(v)
    return out


def main():
    mode = sys.argv[1]
    if mode == "urllib":
        out = with_urllib(sys.argv[2], sys.argv[3])
    else:
        args = dict(a.split("=", 1) for a in sys.argv[5:])
        out = with_suds(sys.argv[2], sys.argv[3], sys.argv[4], args)
    print(json.dumps(out))


main()
