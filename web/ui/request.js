// SPDX-License-Identifier: GPL-3.0-or-later
// New porting request: every field of the User Guide; errors come from the API (its Reason)
// and are shown next to the field they name.
import { html, useEffect, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { Notice } from "/ui/ui.js";

// Which field an API error sentence is about (the API names fields by their JSON keys).
const FIELD_OF = [
  [/telephonenumberserieend/, "last"],
  [/telephonenumberseriestart|range|numbers? /i, "first"],
  [/donor|one port-in per|explicit/i, "donor"],
  [/contacttelephonenumber/, "contact"],
  [/\bemail\b/i, "email"],
  [/AccountType/, "account"],
  [/Type_of_Numbers/, "type"],
  [/overridecooloff/, "cooloff"],
];

function total(first, last) {
  if (!/^\d{1,15}$/.test(first) || !/^\d{1,15}$/.test(last || first)) return "";
  const n = BigInt(last || first) - BigInt(first) + 1n;
  return n > 0n ? n.toString() : "";
}

function Field({ id, label, error, hint, children }) {
  return html`<div class=${"field" + (error ? " invalid" : "")}>
    <label for=${id}>${label}</label>
    ${children}
    ${hint && html`<p class="hint" id=${id + "-hint"}>${hint}</p>`}
    ${error && html`<p class="field-error" id=${id + "-error"}>${error}</p>`}
  </div>`;
}

// aria attributes tying a control to its hint and error
function described(id, error, hint) {
  const ids = [hint ? id + "-hint" : "", error ? id + "-error" : ""].filter(Boolean).join(" ");
  return { "aria-describedby": ids || undefined, "aria-invalid": error ? "true" : undefined };
}

export function PortingRequest() {
  const [ops, setOps] = useState([]);
  const [f, setF] = useState({ donor: "", cooloff: "false", account: "Prepaid", type: "mobile", first: "", last: "", email: "", contact: "" });
  const [contactTouched, setContactTouched] = useState(false);
  const [errors, setErrors] = useState({});
  const [formError, setFormError] = useState("");
  const [done, setDone] = useState(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    request("GET", "/np_api/operators").then((l) => setOps(l.filter((o) => !o.is_self))).catch(() => setOps([]));
  }, []);

  const set = (k) => (e) => {
    const v = e.target.value;
    setF((old) => {
      const n = { ...old, [k]: v };
      if (k === "first" && !contactTouched) n.contact = v; // the authorisation number follows the first number
      return n;
    });
    if (k === "contact") setContactTouched(v !== "");
  };

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setErrors({});
    setFormError("");
    setDone(null);
    const body = {
      donornetworkoperator: f.donor,
      overridecooloff: f.cooloff === "true",
      AccountType: f.account,
      Type_of_Numbers: f.type,
      telephonenumberseriestart: f.first.trim(),
      telephonenumberserieend: (f.last || f.first).trim(),
      email: f.email.trim(),
      contacttelephonenumber: (f.contact || f.first).trim(),
    };
    try {
      const r = await request("POST", "/np_api/PortIn/create", { body });
      setDone(r.msgidentifier);
    } catch (err) {
      const hit = FIELD_OF.find(([re]) => re.test(err.reason));
      if (hit && err.status === 400 || hit && err.status === 409) {
        setErrors({ [hit[1]]: err.reason });
        setTimeout(() => document.getElementById("pr-" + hit[1])?.focus(), 0);
      } else setFormError(err.reason);
    } finally {
      setBusy(false);
    }
  };

  const n = total(f.first.trim(), f.last.trim());
  return html`<div class="page"><h1>New porting request</h1>
    <p class="muted">Submit a port-in to the clearinghouse. Numbers are local (without the country code).</p>
    <form class="form" onSubmit=${submit} novalidate aria-describedby="pr-status">
      <${Field} id="pr-donor" label="Donor Network Operator" error=${errors.donor} hint="Auto: detected from who serves the numbers now.">
        <select id="pr-donor" value=${f.donor} onChange=${set("donor")} ...${described("pr-donor", errors.donor, true)}>
          <option value="">Auto</option>
          ${ops.map((o) => html`<option key=${o.code} value=${o.code}>${o.code}${o.name ? " — " + o.name : ""}</option>`)}
        </select>
      <//>
      <${Field} id="pr-cooloff" label="Override Cool Off" error=${errors.cooloff} hint="True only when the customer waived the cool-off period.">
        <select id="pr-cooloff" value=${f.cooloff} onChange=${set("cooloff")} ...${described("pr-cooloff", errors.cooloff, true)}>
          <option value="false">False</option><option value="true">True</option>
        </select>
      <//>
      <${Field} id="pr-account" label="Account Type" error=${errors.account}>
        <select id="pr-account" value=${f.account} onChange=${set("account")} ...${described("pr-account", errors.account)}>
          <option value="Prepaid">Prepaid</option><option value="Postpaid">Postpaid</option>
        </select>
      <//>
      <${Field} id="pr-type" label="Type of Numbers" error=${errors.type}>
        <select id="pr-type" value=${f.type} onChange=${set("type")} ...${described("pr-type", errors.type)}>
          <option value="mobile">Mobile</option><option value="fixed">Fixed</option>
        </select>
      <//>
      <${Field} id="pr-first" label="First Number" error=${errors.first} hint="Start of the range, local format.">
        <input id="pr-first" inputmode="numeric" autocomplete="off" value=${f.first} onInput=${set("first")} ...${described("pr-first", errors.first, true)} />
      <//>
      <${Field} id="pr-last" label="Last Number" error=${errors.last} hint="Same as the first number for a single number; empty means the same.">
        <input id="pr-last" inputmode="numeric" autocomplete="off" value=${f.last} onInput=${set("last")} ...${described("pr-last", errors.last, true)} />
      <//>
      <div class="field">
        <label for="pr-total">Total Numbers</label>
        <output id="pr-total" for="pr-first pr-last" aria-live="polite">${n || "—"}</output>
      </div>
      <${Field} id="pr-email" label="Email (Contact)" error=${errors.email}>
        <input id="pr-email" type="email" autocomplete="email" value=${f.email} onInput=${set("email")} ...${described("pr-email", errors.email)} />
      <//>
      <${Field} id="pr-contact" label="Authorization Number" error=${errors.contact} hint="Filled from the first number unless you change it.">
        <input id="pr-contact" inputmode="numeric" autocomplete="off" value=${f.contact} onInput=${set("contact")} ...${described("pr-contact", errors.contact, true)} />
      <//>
      <div class="buttons">
        <button type="submit" class="btn primary" disabled=${busy}>Submit</button>
      </div>
      <div id="pr-status">
        <${Notice} kind="error">${formError}<//>
        ${done && html`<${Notice} kind="success">Port-in request created: <strong data-testid="created">${done}</strong>. <a href="#/portin">See it on Port IN</a>.<//>`}
      </div>
    </form></div>`;
}
