#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Local stand-ins for the REST SMS providers (Twilio, Vonage, Sinch, Telnyx, Plivo, ClickSend).

Each listens on its own loopback port and accepts only its provider's documented request: the
path, the method, the content type, the authentication and the required fields. It answers as
the provider does and, for an accepted message, later calls the status callback the request
named (ClickSend: the account's delivery-report URL, --clicksend-receipts) with the provider's
receipt. Used by tests/integration/sms_rest.test and scripts/quickstart; they play the
providers, they are not them.

  cpaas_standin.py --creds FILE --serve twilio=PORT [--serve vonage=PORT ...]
                   [--receipt-delay S] [--slow S] [--clicksend-receipts URL] [--log FILE]

FILE is JSON: {"twilio": {"account": "AC...", "secret": "..."}, ...}. By destination number:
...9990 the provider refuses the number, ...9991 it rate-limits, ...9992 it answers only after
--slow seconds, ...9993 accepted and later undelivered, anything else accepted and delivered.
--log gets one JSON line per request (provider, path, status, verdict), never a credential.
"""
import argparse
import base64
import datetime
import json
import sys
import threading
import time
import urllib.parse
import urllib.request
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ARGS = None
CREDS = {}
LOG_LOCK = threading.Lock()


def log(event):
    if ARGS.log:
        with LOG_LOCK, open(ARGS.log, "a") as f:
            f.write(json.dumps(event) + "\n")


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def post_later(url, data, content_type, method="POST"):
    """Deliver a receipt after the delay, as the provider would (one attempt)."""
    def run():
        time.sleep(ARGS.receipt_delay)
        try:
            if method == "GET":
                sep = "&" if "?" in url else "?"
                req = urllib.request.Request(url + sep + data.decode(), method="GET")
            else:
                req = urllib.request.Request(url, data=data, method="POST",
                                             headers={"Content-Type": content_type})
            with urllib.request.urlopen(req, timeout=5) as r:
                log({"receipt": url.split("?")[0], "status": r.status})
        except urllib.error.HTTPError as e:
            log({"receipt": url.split("?")[0], "status": e.code})
        except OSError as e:
            log({"receipt": url.split("?")[0], "error": str(e)})
    threading.Thread(target=run, daemon=True).start()


def outcome(number):
    digits = number.lstrip("+")
    for suffix, what in (("9990", "invalid"), ("9991", "ratelimit"), ("9992", "slow"),
                         ("9993", "undelivered")):
        if digits.endswith(suffix):
            return what
    return "ok"


class Refused(Exception):
    def __init__(self, status, body, verdict):
        super().__init__(verdict)
        self.status, self.body, self.verdict = status, body, verdict


class Handler(BaseHTTPRequestHandler):
    provider = None
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):  # quiet: the JSON log is ours
        pass

    # --- request helpers -----------------------------------------------------------------
    def basic(self):
        h = self.headers.get("Authorization", "")
        if not h.startswith("Basic "):
            return None, None
        try:
            user, _, pw = base64.b64decode(h[6:]).decode().partition(":")
        except ValueError:
            return None, None
        return user, pw

    def bearer(self):
        h = self.headers.get("Authorization", "")
        return h[7:] if h.startswith("Bearer ") else None

    def body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def form(self, raw):
        if not self.headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            raise Refused(415, {"error": "form encoding expected"}, "bad content type")
        return {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode(), keep_blank_values=True).items()}

    def json_body(self, raw):
        if not self.headers.get("Content-Type", "").startswith("application/json"):
            raise Refused(415, {"error": "JSON expected"}, "bad content type")
        try:
            return json.loads(raw)
        except ValueError:
            raise Refused(400, {"error": "malformed JSON"}, "bad json")

    def reply(self, status, obj):
        data = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        if self.path == "/health":
            return self.reply(200, {"status": "ok", "provider": self.provider})
        self.reply(404, {"error": "not found"})

    def do_POST(self):
        raw = self.body()
        c = CREDS.get(self.provider, {})
        try:
            status, answer, verdict = getattr(self, "post_" + self.provider)(raw, c)
        except Refused as r:
            status, answer, verdict = r.status, r.body, r.verdict
        log({"provider": self.provider, "path": self.path, "status": status, "verdict": verdict})
        try:
            self.reply(status, answer)
        except OSError:
            pass  # the client gave up (a slow answer past its timeout)

    def slow(self):
        time.sleep(ARGS.slow)

    # --- Twilio: POST /2010-04-01/Accounts/{AccountSid}/Messages.json ---------------------------
    def post_twilio(self, raw, c):
        parts = self.path.split("?")[0].split("/")
        if len(parts) != 5 or parts[1:3] != ["2010-04-01", "Accounts"] or parts[4] != "Messages.json":
            raise Refused(404, {"code": 20404, "message": "The requested resource was not found",
                                "status": 404}, "bad path")
        user, pw = self.basic()
        if user != c["account"] or pw != c["secret"] or parts[3] != user:
            raise Refused(401, {"code": 20003, "message": "Authenticate", "more_info":
                                "https://www.twilio.com/docs/errors/20003", "status": 401}, "auth")
        f = self.form(raw)
        for k in ("To", "Body"):
            if not f.get(k):
                raise Refused(400, {"code": 21604 if k == "To" else 21602,
                                    "message": "A '%s' parameter is required." % k, "status": 400},
                              "missing " + k)
        if not f.get("From") and not f.get("MessagingServiceSid"):
            raise Refused(400, {"code": 21603, "message": "A 'From' phone number is required.",
                                "status": 400}, "missing From")
        what = outcome(f["To"])
        if not f["To"].startswith("+") or what == "invalid":
            return 400, {"code": 21211, "message": "The 'To' number %s is not a valid phone number."
                         % f["To"], "more_info": "https://www.twilio.com/docs/errors/21211",
                         "status": 400}, "invalid"
        if what == "ratelimit":
            return 429, {"code": 20429, "message": "Too Many Requests", "status": 429}, "ratelimit"
        if what == "slow":
            self.slow()
        sid = "SM" + uuid.uuid4().hex
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%a, %d %b %Y %H:%M:%S +0000")
        if f.get("StatusCallback"):
            final = "undelivered" if what == "undelivered" else "delivered"
            for st in ("sent", final):
                form = {"MessageSid": sid, "SmsSid": sid, "AccountSid": c["account"],
                        "From": f.get("From", ""), "To": f["To"], "MessageStatus": st,
                        "SmsStatus": st, "ApiVersion": "2010-04-01"}
                if st == "undelivered":
                    form["ErrorCode"] = "30003"
                post_later(f["StatusCallback"], urllib.parse.urlencode(form).encode(),
                           "application/x-www-form-urlencoded")
        return 201, {"sid": sid, "account_sid": c["account"], "to": f["To"], "from": f.get("From"),
                     "body": f["Body"], "status": "queued", "num_segments": "1",
                     "direction": "outbound-api", "api_version": "2010-04-01",
                     "date_created": stamp, "date_updated": stamp, "date_sent": None,
                     "error_code": None, "error_message": None, "price": None,
                     "uri": "/2010-04-01/Accounts/%s/Messages/%s.json" % (c["account"], sid)}, what

    # --- Vonage SMS API: POST /sms/json (form, api_key and api_secret) ------------------------
    def post_vonage(self, raw, c):
        if self.path.split("?")[0] != "/sms/json":
            raise Refused(404, {"error": "not found"}, "bad path")
        f = self.form(raw)
        def answer(status, text, extra=None):
            m = {"status": status, "error-text": text}
            m.update(extra or {})
            return {"message-count": "1", "messages": [m]}
        for k in ("api_key", "api_secret", "to", "from", "text"):
            if not f.get(k):
                return 200, answer("2", "Missing %s" % k), "missing " + k
        if f["api_key"] != c["account"] or f["api_secret"] != c["secret"]:
            return 200, answer("4", "Bad Credentials"), "auth"
        what = outcome(f["to"])
        if f["to"].startswith("+") or not f["to"].isdigit() or what == "invalid":
            return 200, answer("3", "Invalid to number"), "invalid"
        if what == "ratelimit":
            return 200, answer("1", "Throughput Rate Exceeded - please wait [ 30 ] and retry"), what
        if what == "slow":
            self.slow()
        mid = uuid.uuid4().hex[:16].upper()
        if f.get("callback"):
            final = "failed" if what == "undelivered" else "delivered"
            for st in ("accepted", final):
                q = {"msisdn": f["to"], "to": f["from"], "network-code": "99999",
                     "messageId": mid, "price": "0.03330000", "status": st,
                     "scts": time.strftime("%y%m%d%H%M", time.gmtime()),
                     "err-code": "1" if st == "failed" else "0", "api-key": c["account"],
                     "message-timestamp": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
                if f.get("client-ref"):
                    q["client-ref"] = f["client-ref"]
                post_later(f["callback"], urllib.parse.urlencode(q).encode(), None, method="GET")
        return 200, {"message-count": "1", "messages": [{
            "to": f["to"], "message-id": mid, "status": "0", "remaining-balance": "15.53590000",
            "message-price": "0.03330000", "network": "99999"}]}, what

    # --- Sinch: POST /xms/v1/{service_plan_id}/batches (JSON, Bearer) -------------------------
    def post_sinch(self, raw, c):
        parts = self.path.split("?")[0].split("/")
        if len(parts) != 5 or parts[1:3] != ["xms", "v1"] or parts[4] != "batches":
            raise Refused(404, {"code": "not_found", "text": "no such resource"}, "bad path")
        if parts[3] != c["account"] or self.bearer() != c["secret"]:
            raise Refused(401, {"code": "unauthorized", "text": "Invalid service plan id or token"},
                          "auth")
        j = self.json_body(raw)
        if not isinstance(j.get("to"), list) or not j["to"] or not j.get("body"):
            raise Refused(400, {"code": "syntax_constraint_violation",
                                "text": "to and body are required"}, "missing field")
        to = j["to"][0]
        what = outcome(to)
        if not to.lstrip("+").isdigit() or what == "invalid":
            return 400, {"code": "syntax_invalid_parameter_format",
                         "text": "Invalid recipient number: %s" % to}, "invalid"
        if what == "ratelimit":
            return 429, {"code": "too_many_requests", "text": "Too many requests"}, what
        if what == "slow":
            self.slow()
        bid = "01" + uuid.uuid4().hex[:24].upper()
        now = now_iso()
        if j.get("callback_url") and j.get("delivery_report") not in (None, "none"):
            delivered = what != "undelivered"
            dr = {"type": "recipient_delivery_report_sms", "batch_id": bid, "recipient": to,
                  "code": 0 if delivered else 402, "status": "Delivered" if delivered else "Failed",
                  "at": now_iso(), "operator_status_at": now_iso()}
            if j.get("client_reference"):
                dr["client_reference"] = j["client_reference"]
            post_later(j["callback_url"], json.dumps(dr).encode(), "application/json")
        return 201, {"id": bid, "to": j["to"], "from": j.get("from", ""), "canceled": False,
                     "body": j["body"], "type": "mt_text", "created_at": now, "modified_at": now,
                     "delivery_report": j.get("delivery_report", "none"),
                     "client_reference": j.get("client_reference")}, what

    # --- Telnyx: POST /v2/messages (JSON, Bearer) ---------------------------------------------
    def post_telnyx(self, raw, c):
        if self.path.split("?")[0] != "/v2/messages":
            raise Refused(404, {"errors": [{"code": "10005", "title": "Resource not found"}]},
                          "bad path")
        if self.bearer() != c["secret"]:
            raise Refused(401, {"errors": [{"code": "10009", "title": "Authentication failed",
                                            "detail": "Could not understand the provided credentials."}]},
                          "auth")
        j = self.json_body(raw)
        for k in ("from", "to", "text"):
            if not isinstance(j.get(k), str) or not j[k]:
                raise Refused(422, {"errors": [{"code": "10015", "title": "Bad Request",
                                                "detail": "The '%s' parameter is required." % k}]},
                              "missing " + k)
        what = outcome(j["to"])
        if not j["to"].startswith("+") or what == "invalid":
            return 400, {"errors": [{"code": "40310", "title": "Invalid 'to' address",
                                     "detail": "The 'to' address should be in E.164 format."}]}, "invalid"
        if what == "ratelimit":
            return 429, {"errors": [{"code": "10011", "title": "Too many requests"}]}, what
        if what == "slow":
            self.slow()
        mid = str(uuid.uuid4())
        if j.get("webhook_url"):
            final = "delivery_failed" if what == "undelivered" else "delivered"
            for ev, st in (("message.sent", "sent"), ("message.finalized", final)):
                pl = {"record_type": "message", "id": mid, "direction": "outbound",
                      "to": [{"phone_number": j["to"], "status": st, "carrier": "STANDIN"}],
                      "from": {"phone_number": j["from"]}, "text": j["text"],
                      "errors": [] if st != "delivery_failed" else
                      [{"code": "40002", "title": "Blocked as spam"}]}
                evt = {"data": {"event_type": ev, "id": str(uuid.uuid4()), "occurred_at": now_iso(),
                                "payload": pl, "record_type": "event"},
                       "meta": {"attempt": 1, "delivered_to": j["webhook_url"]}}
                post_later(j["webhook_url"], json.dumps(evt).encode(), "application/json")
        return 200, {"data": {"record_type": "message", "direction": "outbound", "id": mid,
                              "type": "SMS", "from": {"phone_number": j["from"]},
                              "to": [{"phone_number": j["to"], "status": "queued"}],
                              "text": j["text"], "received_at": now_iso(), "parts": 1,
                              "webhook_url": j.get("webhook_url")}}, what

    # --- Plivo: POST /v1/Account/{auth_id}/Message/ (JSON, Basic) ------------------------------
    def post_plivo(self, raw, c):
        parts = self.path.split("?")[0].split("/")
        if len(parts) != 6 or parts[1:3] != ["v1", "Account"] or parts[4:] != ["Message", ""]:
            raise Refused(404, {"api_id": str(uuid.uuid4()), "error": "not found"}, "bad path")
        user, pw = self.basic()
        if user != c["account"] or pw != c["secret"] or parts[3] != user:
            raise Refused(401, {"api_id": str(uuid.uuid4()), "error": "authentication failed"},
                          "auth")
        j = self.json_body(raw)
        for k in ("src", "dst", "text"):
            if not j.get(k):
                raise Refused(400, {"api_id": str(uuid.uuid4()),
                                    "error": "%s is a required parameter" % k}, "missing " + k)
        what = outcome(j["dst"])
        if not j["dst"].lstrip("+").isdigit() or what == "invalid":
            return 400, {"api_id": str(uuid.uuid4()), "error": "invalid dst parameter"}, "invalid"
        if what == "ratelimit":
            return 429, {"api_id": str(uuid.uuid4()), "error": "too many requests"}, what
        if what == "slow":
            self.slow()
        mid = str(uuid.uuid4())
        if j.get("url"):
            final = "undelivered" if what == "undelivered" else "delivered"
            for st in ("sent", final):
                form = {"MessageUUID": mid, "Status": st, "To": j["dst"], "From": j["src"],
                        "TotalRate": "0.005", "Units": "1",
                        "ErrorCode": "200" if st == "undelivered" else "000"}
                post_later(j["url"], urllib.parse.urlencode(form).encode(),
                           "application/x-www-form-urlencoded")
        return 202, {"api_id": str(uuid.uuid4()), "message": "message(s) queued",
                     "message_uuid": [mid]}, what

    # --- ClickSend: POST /v3/sms/send (JSON, Basic username:api_key) ---------------------------
    def post_clicksend(self, raw, c):
        if self.path.split("?")[0] != "/v3/sms/send":
            raise Refused(404, {"http_code": 404, "response_code": "NOT_FOUND",
                                "response_msg": "Resource not found.", "data": None}, "bad path")
        user, pw = self.basic()
        if user != c["account"] or pw != c["secret"]:
            raise Refused(401, {"http_code": 401, "response_code": "UNAUTHORIZED",
                                "response_msg": "Invalid credentials.", "data": None}, "auth")
        j = self.json_body(raw)
        msgs = j.get("messages")
        if not isinstance(msgs, list) or not msgs or not msgs[0].get("to") or not msgs[0].get("body"):
            raise Refused(400, {"http_code": 400, "response_code": "BAD_REQUEST",
                                "response_msg": "messages with to and body are required",
                                "data": None}, "missing field")
        m = msgs[0]
        what = outcome(m["to"])
        if what == "ratelimit":
            return 429, {"http_code": 429, "response_code": "TOO_MANY_REQUESTS",
                         "response_msg": "Too many requests.", "data": None}, what
        if what == "slow":
            self.slow()
        mid = str(uuid.uuid4()).upper()
        status = "INVALID_RECIPIENT" if what == "invalid" else "SUCCESS"
        if status == "SUCCESS" and ARGS.clicksend_receipts:
            delivered = what != "undelivered"
            form = {"timestamp_send": str(int(time.time())), "timestamp": str(int(time.time())),
                    "message_id": mid, "status": "Delivered" if delivered else "Undelivered",
                    "status_code": "201" if delivered else "301",
                    "status_text": "Success: Message received on handset." if delivered
                    else "Error: Message undelivered.",
                    "error_code": "" if delivered else "301",
                    "error_text": "" if delivered else "Undelivered",
                    "custom_string": m.get("custom_string", ""), "user_id": "1",
                    "subaccount_id": "1", "message_type": "sms"}
            post_later(ARGS.clicksend_receipts, urllib.parse.urlencode(form).encode(),
                       "application/x-www-form-urlencoded")
        return 200, {"http_code": 200, "response_code": "SUCCESS",
                     "response_msg": "Messages queued for delivery.",
                     "data": {"total_price": 0.07, "total_count": 1,
                              "queued_count": 1 if status == "SUCCESS" else 0,
                              "messages": [{"direction": "out", "date": int(time.time()),
                                            "to": m["to"], "body": m["body"],
                                            "from": m.get("from", ""), "schedule": 0,
                                            "message_id": mid, "message_parts": 1,
                                            "message_price": "0.0700",
                                            "custom_string": m.get("custom_string", ""),
                                            "status": status}],
                              "_currency": {"currency_name_short": "USD"}}}, what


def main():
    global ARGS, CREDS
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--creds", required=True)
    p.add_argument("--serve", action="append", required=True, help="provider=port")
    p.add_argument("--receipt-delay", type=float, default=0.2)
    p.add_argument("--slow", type=float, default=30.0)
    p.add_argument("--clicksend-receipts", default="")
    p.add_argument("--log", default="")
    ARGS = p.parse_args()
    with open(ARGS.creds) as f:
        CREDS = json.load(f)
    servers = []
    for spec in ARGS.serve:
        name, _, port = spec.partition("=")
        if not hasattr(Handler, "post_" + name):
            sys.exit("unknown provider " + name)
        handler = type("H_" + name, (Handler,), {"provider": name})
        srv = ThreadingHTTPServer(("127.0.0.1", int(port)), handler)
        srv.daemon_threads = True
        servers.append(srv)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
