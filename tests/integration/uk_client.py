#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# A BSS client of npgwd's UK PortIn service, built with zeep from the WSDL npgwd serves
# (?wsdl). Prints one JSON line: {"ok": true, ...response fields} or
# {"ok": false, "fault": faultstring, "code": detail Code, "reason": detail Reason}.
# usage: uk_client.py BASE_URL USER:KEY OPERATION [name=value ...]
#   OPERATION: load | PortIn | CancelPortIn | PortInStatus | CreatePAC
#   PortIn fields: ExternalReference SubscriptionNumber PACCode PortInNumber PortDate
#                  UseSuggestedDateOnConflict; set-NAME=TEXT replaces an element's text in the
#                  envelope zeep built (to send what zeep's own types would not let through).
import json
import sys

import requests
import zeep
from lxml import etree
from zeep.transports import Transport

NS = "urn:npgw:uk:portin:1"


def client(base, cred):
    session = requests.Session()
    session.auth = tuple(cred.split(":", 1))
    return zeep.Client(base + "/np_api/uk/portin?wsdl", transport=Transport(session=session, timeout=30))


def fault_json(f):
    out = {"ok": False, "fault": f.message, "code": None, "reason": None}
    if f.detail is not None:
        code = f.detail.find(".//{%s}Code" % NS)
        reason = f.detail.find(".//{%s}Reason" % NS)
        out["code"] = code.text if code is not None else None
        out["reason"] = reason.text if reason is not None else None
    return out


def typed(name, value):
    if name == "SubscriptionNumber":
        return int(value)
    if name == "UseSuggestedDateOnConflict":
        return value == "true"
    return value


def main():
    base, cred, op = sys.argv[1:4]
    fields, overrides = {}, {}
    for a in sys.argv[4:]:
        k, v = a.split("=", 1)
        if k.startswith("set-"):
            overrides[k[4:]] = v
        else:
            fields[k] = typed(k, v)
    c = client(base, cred)
    if op == "load":
        ops = sorted(c.service._binding._operations.keys())
        print(json.dumps({"ok": True, "operations": ops, "address": c.service._binding_options["address"]}))
        return
    if op == "PortIn":
        details = {k: v for k, v in fields.items() if k != "ExternalReference"}
        args = {"PortDetails": details}
        if "ExternalReference" in fields:
            args["ExternalReference"] = fields["ExternalReference"]
    else:
        args = fields
    if overrides:
        # zeep builds the envelope from the WSDL; we then change one element's text and post it.
        env = c.create_message(c.service, op, **args)
        for name, text in overrides.items():
            for el in env.iter("{%s}%s" % (NS, name)):
                el.text = text
        body = etree.tostring(env, xml_declaration=True, encoding="utf-8")
        address = c.service._binding_options["address"]
        r = c.transport.session.post(address, data=body, headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '"urn:npgw:uk:portin:1#%s"' % op})
        try:
            result = c.service._binding.process_reply(c, c.service._binding._operations[op], r)
        except zeep.exceptions.Fault as f:
            print(json.dumps(fault_json(f)))
            return
    else:
        try:
            result = getattr(c.service, op)(**args)
        except zeep.exceptions.Fault as f:
            print(json.dumps(fault_json(f)))
            return
    out = {"ok": True}
    for k in result:
        v = result[k]
        out[k] = v.isoformat() if hasattr(v, "isoformat") else v
    print(json.dumps(out))


main()
