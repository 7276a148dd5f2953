// SPDX-License-Identifier: GPL-3.0-or-later
// Validate SMS Routing: one test SMS per chosen provider through the API; each answer, green
// (accepted) or red (error), opens to its debug data for an escalation to the provider.
import { html, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { Notice } from "/ui/ui.js";
import { NumberField } from "/ui/routing.js";

// The User Guide's providers (the API's list adds ClickSend).
export const PROVIDERS = ["Enet", "GTT", "Digicel", "Sinch", "Twilio", "Vonage", "Telnyx", "Pilvo", "ClickSend"];

function Debug({ r }) {
  const b = r.body || {};
  const rows = [
    ["HTTP status", String(r.status)],
    ["result", b.result ?? ""],
    ["Reason", b.Reason ?? ""],
    ["x-message-id", b["x-message-id"] ?? ""],
    ["x-transaction-id", b["x-transaction-id"] ?? ""],
    ["x-message-timestamp", b["x-message-timestamp"] ?? ""],
    ["x-provider", b["x-provider"] ?? r.provider],
    ["x-provider-response", b["x-provider-response"] ?? ""],
    ["x-error-code", b["x-error-code"] ?? ""],
    ["x-error", b["x-error"] ?? ""],
    ["delivery", b.delivery ?? ""],
  ];
  return html`<dl class="debug">${rows.map(([k, v]) => html`<dt key=${k + "t"}>${k}</dt><dd key=${k + "d"}><code>${v || "—"}</code></dd>`)}</dl>`;
}

export function SmsValidate({ me }) {
  const [num, setNum] = useState("");
  const [chosen, setChosen] = useState([]);
  const [results, setResults] = useState([]);
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const toggle = (p) => setChosen((c) => (c.includes(p) ? c.filter((x) => x !== p) : [...c, p]));
  const submit = async (e) => {
    e.preventDefault();
    setError("");
    if (!chosen.length) return setError("Choose at least one provider to test.");
    setBusy(true);
    setResults([]);
    const out = await Promise.all(
      PROVIDERS.filter((p) => chosen.includes(p)).map(async (provider) => {
        try {
          const body = await request("POST", "/np_api/validate/sms_validate", { body: { phone_number: num.trim(), Operator: provider } });
          // 200 is the gateway's answer; the provider's is in result (Sent, or Error and why)
          return { provider, ok: body.result === "Sent", status: 200, body };
        } catch (err) {
          return { provider, ok: false, status: err.status, body: err.body || { Reason: err.reason } };
        }
      }),
    );
    setResults(out);
    setBusy(false);
  };
  return html`<div class="page"><h1>Validate SMS routing</h1>
    <p class="muted">Each chosen provider is asked to send <q>Test from {ProviderName}</q> to the number. Green means the provider accepted the message, not that the handset got it.</p>
    <form class="form narrow" onSubmit=${submit} novalidate>
      <${NumberField} id="sms-number" me=${me} value=${num} onInput=${setNum} label="Phone number (without country code)" />
      <fieldset class="providers">
        <legend>Providers to test</legend>
        ${PROVIDERS.map((p) => html`<label key=${p} class="check"><input type="checkbox" name="provider" value=${p} checked=${chosen.includes(p)} onChange=${() => toggle(p)} /> ${p}</label>`)}
      </fieldset>
      <div class="buttons"><button type="submit" class="btn primary" disabled=${busy}>Check Routing</button></div>
    </form>
    <${Notice} kind="error">${error}<//>
    ${results.length > 0 && html`<section aria-labelledby="sms-results">
      <h2 id="sms-results">Results</h2>
      <div class="accordion results" data-testid="sms-results">
        ${results.map((r) => html`<details key=${r.provider} class=${r.ok ? "res-ok" : "res-bad"} data-provider=${r.provider}>
          <summary><span class="res-provider">${r.provider}</span> <span class="res-status">${r.ok ? r.body.result || "Sent" : "Error " + r.status}</span>
            <span class="res-text">${r.ok ? r.body["x-message-id"] || "" : r.body.Reason || ""}</span></summary>
          <${Debug} r=${r} />
        </details>`)}
      </div>
    </section>`}</div>`;
}
