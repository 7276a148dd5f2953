#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# zeep (a SOAP client we did not write) against the contracts npgwd serves, on whatever port
# it listens: prints one JSON line. usage: wsdl_client.py BASE USER:KEY CASE [args]
#   receiver MSGIDENTIFIER MESSAGEID: load /np_api/pxs/recv/?wsdl (its schema import must
#       resolve) and deliver a TimedOut to the address the WSDL gives, as a clearinghouse
#   portin: load /wsdl/portin.wsdl and call PortInStatus at the address the WSDL gives
#   address WSDLPATH SERVICE: the soap:address zeep read for SERVICE
import json
import sys
from datetime import datetime, timezone

import requests
import zeep
from zeep.transports import Transport


def client(base, cred, path):
    session = requests.Session()
    session.auth = tuple(cred.split(":", 1))
    return zeep.Client(base + path, transport=Transport(session=session, timeout=30))


def address(c, service):
    svc = c.wsdl.services[service]
    return next(iter(svc.ports.values())).binding_options["address"]


def main():
    base, cred, case = sys.argv[1:4]
    out = {}
    try:
        if case == "receiver":
            c = client(base, cred, "/np_api/pxs/recv/?wsdl")
            svc = c.bind("PortingXSReceiver", "Receiver")
            header = {"MessageId": sys.argv[5], "MessageIdentifier": sys.argv[4],
                      "Timestamp": datetime.now(timezone.utc), "SenderOperator": "PXS",
                      "ReceiverOperator": "CARR"}
            ack = svc.TimedOut(Header=header, Reason="donor did not answer")
            out = {"ok": True, "status": ack.Status, "address": address(c, "PortingXSReceiver")}
        elif case == "portin":
            c = client(base, cred, "/wsdl/portin.wsdl")
            try:
                c.service.PortInStatus(PortInNumber="5550101", PACCode="ABC123456")
                out = {"ok": True}
            except zeep.exceptions.Fault as f:
                out = {"ok": False, "fault": f.message}
            out["address"] = address(c, "PortInService")
        elif case == "address":
            c = client(base, cred, sys.argv[4])
            out = {"ok": True, "address": address(c, sys.argv[5])}
    except Exception as e:  # the test prints what went wrong
        out = {"ok": False, "error": "%s: %s" % (type(e).__name__, e)}
    print(json.dumps(out))


main()
