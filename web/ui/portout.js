// SPDX-License-Identifier: GPL-3.0-or-later
// Port OUT dashboard: requests from gaining operators; Authorise, or Reject for one of the
// legitimate reasons only; the Event Log of each.
import { html, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { Confirm, Notice, Pager, when } from "/ui/ui.js";
import { EventHistory } from "/ui/events.js";
import { ListControls, Ranges, StateCell, usePortList } from "/ui/portin.js";

// The User Guide's legitimate reasons, by the names the API takes (and their codes).
export const REJECT_REASONS = [
  ["account_mismatch", "Account mismatch (35 Incorrect Account Type)"],
  ["outstanding_balance", "Outstanding balance (33 Bill Problem)"],
  ["fraudulent_request", "Fraudulent request (36 Reported Stolen or Lost)"],
  ["number_not_active", "Number not active (31 Account Suspended)"],
];

export function PortOut() {
  const L = usePortList("out");
  const [ask, setAsk] = useState(null);
  const [reason, setReason] = useState(REJECT_REASONS[0][0]);
  const [events, setEvents] = useState(null);
  const [msg, setMsg] = useState({ kind: "", text: "" });

  const act = async () => {
    const { action, p } = ask;
    setAsk(null);
    try {
      const path = `/np_api/PortOut/${encodeURIComponent(p.msgidentifier)}`;
      const r = action === "reject" ? await request("DELETE", path, { body: { reason } }) : await request("POST", path);
      setMsg({ kind: "success", text: `${p.msgidentifier}: ${r.message}` });
    } catch (e) {
      setMsg({ kind: "error", text: `${p.msgidentifier}: ${e.reason}` });
    }
    L.refresh();
  };

  return html`<div class="page"><h1>Port OUT</h1>
    <${ListControls} id="po" ...${L} placeholder="Number or message identifier" />
    <${Notice} kind=${msg.kind}>${msg.text}<//>
    <${Notice} kind="error">${L.error}<//>
    <div class="scroll" tabindex="0" role="region" aria-label="Port-out requests">
      <table class="ports" id="portout-table">
        <caption class="sr-only">Port-out requests, newest first</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">Port ID</th><th scope="col">State</th><th scope="col">Requested</th>
          <th scope="col">Updated</th><th scope="col">Operator</th><th scope="col">Targets</th>
          <th scope="col">Service Type</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>
          ${L.rows && L.rows.map((p) => html`<tr key=${p.port_out_id} data-msgid=${p.msgidentifier}>
            <td>${p.port_out_id}</td>
            <td><code>${p.msgidentifier}</code></td>
            <td><${StateCell} p=${p} /></td>
            <td>${when(p.submission_timestamp)}</td>
            <td>${when(p.update_timestamp)}</td>
            <td>${p.recipientnetworkoperator}</td>
            <td><${Ranges} ranges=${p.phone_number_ranges} /></td>
            <td><button type="button" class="btn small" onClick=${() => setEvents(p.msgidentifier)}>Event Log</button></td>
            <td class="actions">
              ${p.PortingState === 1 && html`
                <button type="button" class="btn ok small" onClick=${() => setAsk({ action: "authorise", p })}>Authorise</button>
                <button type="button" class="btn danger small" onClick=${() => setAsk({ action: "reject", p })}>Reject</button>`}
            </td>
          </tr>`)}
          ${L.rows && L.rows.length === 0 && html`<tr><td colspan="9" class="muted">No port-out requests${L.q || L.state ? " match" : " yet"}.</td></tr>`}
        </tbody>
      </table>
    </div>
    ${L.rows === null && !L.error && html`<p>Loading…</p>`}
    <${Pager} offset=${L.offset} limit=${L.limit} total=${L.total} onPage=${L.setOffset} label="Port-out pages" />
    ${ask && ask.action === "authorise" && html`<${Confirm} title="Authorise this port-out?"
      text=${`${ask.p.msgidentifier}: the gaining operator ${ask.p.recipientnetworkoperator} is told the numbers may go.`}
      confirmLabel="Authorise" onConfirm=${act} onCancel=${() => setAsk(null)} />`}
    ${ask && ask.action === "reject" && html`<${Confirm} title="Reject this port-out?" danger
      text=${`${ask.p.msgidentifier}: reject only for a legitimate reason.`}
      confirmLabel="Reject" onConfirm=${act} onCancel=${() => setAsk(null)}>
        <div class="field">
          <label for="reject-reason">Reason</label>
          <select id="reject-reason" value=${reason} onChange=${(e) => setReason(e.target.value)}>
            ${REJECT_REASONS.map(([v, l]) => html`<option key=${v} value=${v}>${l}</option>`)}
          </select>
        </div>
      <//>`}
    ${events && html`<${EventHistory} kind="out" msgid=${events} onClose=${() => setEvents(null)} />`}</div>`;
}
