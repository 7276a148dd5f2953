// SPDX-License-Identifier: GPL-3.0-or-later
// Routing Query (the raw routing result as the User Guide's field table) and Push Routing
// (a manual routing record, then the NAPTR record now served for the number).
import { html, useEffect, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { FieldTable, Notice, flatten } from "/ui/ui.js";

// The guide's fields first, in its order, then everything else npgw returns.
const GUIDE_FIELDS = ["Event.E164Address", "Event.NAPTRAddress", "Event.NAPTROrder", "Event.NAPTRPreference", "MatchedProfiles"];

function routeRows(r) {
  const all = flatten(r);
  const first = GUIDE_FIELDS.map((k) => all.find(([n]) => n === k)).filter(Boolean);
  return [...first, ...all.filter(([n]) => !GUIDE_FIELDS.includes(n))];
}

// The local number with our country code in front: what /np_api/route/{msisdn} takes.
function e164(me, local) {
  const digits = local.trim();
  return /^\d+$/.test(digits) ? me.country_code + digits.replace(/^0+/, "") : digits;
}

function enumName(number) {
  return number.split("").reverse().join(".") + ".e164.arpa.";
}

export function NumberField({ id, me, value, onInput, label }) {
  return html`<div class="field">
    <label for=${id}>${label}</label>
    <div class="prefixed">
      <span class="prefix" aria-hidden="true">+${me.country_code}</span>
      <input id=${id} inputmode="numeric" autocomplete="off" value=${value} aria-describedby=${id + "-hint"} onInput=${(e) => onInput(e.target.value)} />
    </div>
    <p class="hint" id=${id + "-hint"}>Local number; the country code +${me.country_code} is added.</p>
  </div>`;
}

export function RoutingQuery({ me }) {
  const [num, setNum] = useState("");
  const [res, setRes] = useState(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    setRes(null);
    try {
      setRes(await request("GET", `/np_api/route/${encodeURIComponent(e164(me, num))}`));
    } catch (err) {
      setError(err.reason);
    } finally {
      setBusy(false);
    }
  };
  return html`<div class="page"><h1>Routing query</h1>
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${NumberField} id="rq-number" me=${me} value=${num} onInput=${setNum} label="Phone number (without country code)" />
      <div class="buttons"><button type="submit" class="btn primary" disabled=${busy}>Check Routing</button></div>
    </form>
    <${Notice} kind="error">${error}<//>
    ${res && html`<section aria-labelledby="rq-result">
      <h2 id="rq-result">Routing of +${res.Event.E164Address}</h2>
      <${FieldTable} rows=${routeRows(res)} caption="Routing result (CGrateS ProcessEvent shape)" />
    </section>`}</div>`;
}

export function PushRouting({ me }) {
  const [num, setNum] = useState("");
  const [ops, setOps] = useState([]);
  const [op, setOp] = useState("");
  const [type, setType] = useState("mobile");
  const [res, setRes] = useState(null);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    request("GET", "/np_api/operators")
      .then((l) => {
        setOps(l);
        if (l.length) setOp(l[0].code);
      })
      .catch((e) => setError(e.reason));
  }, []);
  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError("");
    setRes(null);
    try {
      const n = encodeURIComponent(e164(me, num));
      setRes(await request("POST", `/np_api/route/${n}/${encodeURIComponent(op)}/${type}`));
    } catch (err) {
      setError(err.reason);
    } finally {
      setBusy(false);
    }
  };
  const ev = res && res.Event;
  return html`<div class="page"><h1>Push routing</h1>
    <p class="muted">For emergency corrections, initial provisioning, or when the routing after a port failed.</p>
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${NumberField} id="pr-number" me=${me} value=${num} onInput=${setNum} label="Phone Number (Without country code)" />
      <div class="field">
        <label for="pr-operator">Operator</label>
        <select id="pr-operator" value=${op} onChange=${(e) => setOp(e.target.value)}>
          ${ops.map((o) => html`<option key=${o.code} value=${o.code}>${o.code}${o.name ? " — " + o.name : ""}${o.is_self ? " (us)" : ""}</option>`)}
        </select>
      </div>
      <div class="field">
        <label for="pr-ntype">Type</label>
        <select id="pr-ntype" value=${type} onChange=${(e) => setType(e.target.value)}>
          <option value="mobile">Mobile</option><option value="fixed">Fixed</option>
        </select>
      </div>
      <div class="buttons"><button type="submit" class="btn primary" disabled=${busy || !op}>Push Routing</button></div>
    </form>
    <${Notice} kind="error">${error}<//>
    ${res && html`<section aria-labelledby="push-result">
      <${Notice} kind="success">+${ev.E164Address} now routes to ${ev.Operator} (${ev.NumberType}).<//>
      <h2 id="push-result">NAPTR now served</h2>
      <pre class="naptr" data-testid="naptr" tabindex="0">${enumName(ev.E164Address)} NAPTR ${ev.NAPTROrder} ${ev.NAPTRPreference} "u" "${ev.NAPTRService}" "${ev.NAPTRAddress}" .</pre>
      <${FieldTable} rows=${routeRows(res)} caption="Routing record" />
    </section>`}</div>`;
}
