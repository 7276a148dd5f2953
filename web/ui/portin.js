// SPDX-License-Identifier: GPL-3.0-or-later
// Port IN dashboard: server-side paging, a state filter and a search (number or identifier),
// refreshed every few seconds; Abort and Instruction with a confirmation; Event History.
import { html, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { Confirm, Notice, Pager, STATES, stateClass, usePoll, when } from "/ui/ui.js";
import { EventHistory } from "/ui/events.js";

export const REFRESH_MS = 3000;

// ?state=2 in the hash (links from the start page)
export function hashParam(name) {
  const q = location.hash.split("?")[1] || "";
  return new URLSearchParams(q).get(name) || "";
}

export function ListControls({ id, state, setState, q, setQ, limit, setLimit, placeholder }) {
  const [text, setText] = useState(q);
  return html`<form class="controls" role="search" onSubmit=${(e) => { e.preventDefault(); setQ(text.trim()); }}>
    <div class="field inline">
      <label for=${id + "-state"}>State</label>
      <select id=${id + "-state"} value=${state} onChange=${(e) => setState(e.target.value)}>
        <option value="">All states</option>
        ${Object.entries(STATES).filter(([v]) => v !== "0" && v !== "11").map(([v, n]) => html`<option key=${v} value=${v}>${n}</option>`)}
      </select>
    </div>
    <div class="field inline grow">
      <label for=${id + "-q"}>Search</label>
      <input id=${id + "-q"} type="search" maxlength="32" placeholder=${placeholder} value=${text} onInput=${(e) => setText(e.target.value)} />
      <button type="submit" class="btn">Search</button>
      ${q && html`<button type="button" class="btn" onClick=${() => { setText(""); setQ(""); }}>Clear</button>`}
    </div>
    <div class="field inline">
      <label for=${id + "-limit"}>Rows</label>
      <select id=${id + "-limit"} value=${limit} onChange=${(e) => setLimit(Number(e.target.value))}>
        ${[10, 25, 50, 100].map((n) => html`<option key=${n} value=${n}>${n}</option>`)}
      </select>
    </div>
  </form>`;
}

// One list page and its total, kept fresh by polling.
export function usePortList(kind) {
  const [state, setStateRaw] = useState(hashParam("state"));
  const [q, setQRaw] = useState(hashParam("q"));
  const [limit, setLimitRaw] = useState(25);
  const [offset, setOffset] = useState(0);
  const [rows, setRows] = useState(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState("");
  const [tick, setTick] = useState(0);
  const base = kind === "in" ? "/np_api/PortIn" : "/np_api/PortOut";
  usePoll(
    async (alive) => {
      try {
        const query = { state, q, limit, offset };
        const [list, count] = await Promise.all([
          request("GET", `${base}/list`, { query }),
          request("GET", `${base}/count`, { query: { state, q } }),
        ]);
        if (!alive()) return;
        setRows(list);
        setTotal(count.total);
        setError("");
      } catch (e) {
        if (alive()) setError(e.reason);
      }
    },
    REFRESH_MS,
    [state, q, limit, offset, tick],
  );
  return {
    state, q, limit, offset, rows, total, error,
    setState: (v) => { setStateRaw(v); setOffset(0); },
    setQ: (v) => { setQRaw(v); setOffset(0); },
    setLimit: (v) => { setLimitRaw(v); setOffset(0); },
    setOffset,
    refresh: () => setTick((t) => t + 1),
  };
}

export function Ranges({ ranges }) {
  return (ranges || []).map((r, i) => html`<span key=${i} class="range">${r.telephonenumberseriestart === r.telephonenumberserieend
    ? r.telephonenumberseriestart : `${r.telephonenumberseriestart}–${r.telephonenumberserieend}`}</span>`);
}

export function StateCell({ p }) {
  return html`<span class=${stateClass(p.PortingState)}>${p.PortingStateString}</span>
    ${p.PortingState === 99 && html`<span class="reason" data-testid="reason">${p.failure_reason ?? ""} ${p.failure_text || ""}</span>`}`;
}

export function PortIn() {
  const L = usePortList("in");
  const [ask, setAsk] = useState(null); // {action, p}
  const [events, setEvents] = useState(null);
  const [msg, setMsg] = useState({ kind: "", text: "" });

  const act = async () => {
    const { action, p } = ask;
    setAsk(null);
    try {
      const r = await request(action === "abort" ? "DELETE" : "POST", `/np_api/PortIn/${encodeURIComponent(p.msgidentifier)}`);
      setMsg({ kind: "success", text: `${p.msgidentifier}: ${r.message}` });
    } catch (e) {
      setMsg({ kind: "error", text: `${p.msgidentifier}: ${e.reason}` });
    }
    L.refresh();
  };

  return html`<div class="page"><h1>Port IN</h1>
    <${ListControls} id="pi" ...${L} placeholder="Number or message identifier" />
    <${Notice} kind=${msg.kind}>${msg.text}<//>
    <${Notice} kind="error">${L.error}<//>
    <div class="scroll" tabindex="0" role="region" aria-label="Port-in requests">
      <table class="ports" id="portin-table">
        <caption class="sr-only">Port-in requests, newest first</caption>
        <thead><tr>
          <th scope="col">ID</th><th scope="col">Port ID</th><th scope="col">State</th><th scope="col">Requested</th>
          <th scope="col">Updated</th><th scope="col">Operator</th><th scope="col">Target</th><th scope="col">Type</th>
          <th scope="col">Service Type</th><th scope="col">Actions</th>
        </tr></thead>
        <tbody>
          ${L.rows && L.rows.map((p) => html`<tr key=${p.port_in_id} data-msgid=${p.msgidentifier}>
            <td>${p.port_in_id}</td>
            <td><code>${p.msgidentifier}</code>
              ${p.original_porting_request && html`<span class="original" data-testid="original" title="resubmission of">↻ ${p.original_porting_request}</span>`}</td>
            <td><${StateCell} p=${p} /></td>
            <td>${when(p.submission_timestamp)}</td>
            <td>${when(p.update_timestamp)}</td>
            <td>${p.donornetworkoperator}</td>
            <td>${p.contacttelephonenumber}<br /><span class="muted"><${Ranges} ranges=${p.phone_number_ranges} /></span></td>
            <td>${p.Type_of_Numbers}</td>
            <td><button type="button" class="btn small" onClick=${() => setEvents(p.msgidentifier)}>Event History</button></td>
            <td class="actions">
              ${p.PortingState === 2 && html`<button type="button" class="btn ok small" onClick=${() => setAsk({ action: "instruct", p })}>Instruction</button>`}
              ${(p.PortingState === 1 || p.PortingState === 2) && html`<button type="button" class="btn danger small" onClick=${() => setAsk({ action: "abort", p })}>Abort</button>`}
            </td>
          </tr>`)}
          ${L.rows && L.rows.length === 0 && html`<tr><td colspan="10" class="muted">No port-in requests${L.q || L.state ? " match" : " yet"}.</td></tr>`}
        </tbody>
      </table>
    </div>
    ${L.rows === null && !L.error && html`<p>Loading…</p>`}
    <${Pager} offset=${L.offset} limit=${L.limit} total=${L.total} onPage=${L.setOffset} label="Port-in pages" />
    ${ask && html`<${Confirm}
      title=${ask.action === "abort" ? "Abort this port-in?" : "Send the instruction?"}
      text=${ask.action === "abort"
        ? `The clearinghouse is told to cancel ${ask.p.msgidentifier}.`
        : `The port ${ask.p.msgidentifier} proceeds: the donor releases the numbers at the port time.`}
      confirmLabel=${ask.action === "abort" ? "Abort" : "Send Instruction"} danger=${ask.action === "abort"}
      onConfirm=${act} onCancel=${() => setAsk(null)} />`}
    ${events && html`<${EventHistory} kind="in" msgid=${events} onClose=${() => setEvents(null)} />`}</div>`;
}
