// SPDX-License-Identifier: GPL-3.0-or-later
// Shared pieces of the ops UI. Everything here renders data as text nodes (Preact escapes
// them), never as markup: a number, a reason or a file name holding tags stays inert.
import { html, useEffect, useRef, useState } from "/ui/lib/preact-htm.js";

export { html };

export const STATES = {
  0: "NoPort",
  1: "Waiting_for_Authorisation_Response",
  2: "Waiting_for_Instruction",
  3: "Waiting_for_Instruction_Response",
  10: "Waiting_for_Ported_Response",
  11: "Waiting_for_Change_Response",
  20: "Number_Ported",
  30: "Number_Ported_Complete",
  97: "TimeOut",
  98: "Aborted",
  99: "Rejected",
};

export const DIRECTIONS = { 0: "sent", 1: "received", 2: "local" };

// "2026-11-30T17:43:46" (UTC, with or without Z) -> "2026-11-30 17:43:46"
export function when(ts) {
  return ts ? String(ts).replace("T", " ").replace(/Z$/, "") : "";
}

export function stateClass(s) {
  if (s === 99 || s === 97) return "state state-bad";
  if (s === 98) return "state state-off";
  if (s === 20 || s === 30) return "state state-good";
  return "state state-wait";
}

// A modal on the native <dialog>: focus stays inside, Escape closes it.
export function Dialog({ title, onClose, children, wide, id }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    const cancel = (e) => {
      e.preventDefault();
      onClose && onClose();
    };
    d.addEventListener("cancel", cancel);
    return () => d.removeEventListener("cancel", cancel);
  }, []);
  const titleId = (id || "dlg") + "-title";
  return html`<dialog ref=${ref} id=${id} class=${wide ? "wide" : ""} aria-labelledby=${titleId}>
    <div class="dialog-head">
      <h2 id=${titleId}>${title}</h2>
      ${onClose && html`<button type="button" class="close" aria-label="Close" onClick=${onClose}>×</button>`}
    </div>
    ${children}
  </dialog>`;
}

// Ask before an action that talks to the clearinghouse.
export function Confirm({ title, text, confirmLabel, danger, onConfirm, onCancel, children }) {
  return html`<${Dialog} title=${title} onClose=${onCancel} id="confirm">
    <p>${text}</p>
    ${children}
    <div class="buttons">
      <button type="button" class=${danger ? "btn danger" : "btn ok"} onClick=${onConfirm}>${confirmLabel}</button>
      <button type="button" class="btn" onClick=${onCancel}>Cancel</button>
    </div>
  </${Dialog}>`;
}

// A message box: role=alert for errors, status for the rest.
export function Notice({ kind, children }) {
  if (!children) return null;
  return html`<div class=${"notice " + (kind || "info")} role=${kind === "error" ? "alert" : "status"}>${children}</div>`;
}

// Poll fn every ms while the page is visible; fn(alive) handles its own errors and checks
// alive() before it keeps a result (a slow answer to an old query must not win).
export function usePoll(fn, ms, deps) {
  useEffect(() => {
    let stop = false;
    let timer = null;
    const tick = async () => {
      if (stop) return;
      if (document.visibilityState === "visible") await fn(() => !stop);
      if (!stop) timer = setTimeout(tick, ms);
    };
    tick();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, deps);
}

// Field | value rows of an object, nested objects flattened as Event.E164Address.
export function flatten(obj, prefix = "", out = []) {
  for (const [k, v] of Object.entries(obj || {})) {
    const name = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === "object" && !Array.isArray(v)) flatten(v, name, out);
    else out.push([name, Array.isArray(v) ? v.join(", ") : String(v)]);
  }
  return out;
}

export function FieldTable({ rows, caption }) {
  return html`<div class="scroll" tabindex="0" role="region" aria-label=${caption}>
    <table class="fields">
      <caption>${caption}</caption>
      <thead><tr><th scope="col">Field</th><th scope="col">Value</th></tr></thead>
      <tbody>
        ${rows.map(([k, v]) => html`<tr key=${k}><th scope="row"><code>${k}</code></th><td><code>${v}</code></td></tr>`)}
      </tbody>
    </table>
  </div>`;
}

// Paging controls for server-side lists.
export function Pager({ offset, limit, total, onPage, label }) {
  const first = total ? offset + 1 : 0;
  const last = Math.min(offset + limit, total);
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  return html`<nav class="pager" aria-label=${label}>
    <button type="button" class="btn" disabled=${offset === 0} onClick=${() => onPage(0)}>First</button>
    <button type="button" class="btn" disabled=${offset === 0} onClick=${() => onPage(Math.max(0, offset - limit))}>Previous</button>
    <span class="count" data-testid="range">${first.toLocaleString("en")}–${last.toLocaleString("en")} of ${total.toLocaleString("en")} (page ${page.toLocaleString("en")} of ${pages.toLocaleString("en")})</span>
    <button type="button" class="btn" disabled=${last >= total} onClick=${() => onPage(offset + limit)}>Next</button>
    <button type="button" class="btn" disabled=${last >= total} onClick=${() => onPage((pages - 1) * limit)}>Last</button>
  </nav>`;
}

// Save a Blob under a name: a temporary object URL behind a download link.
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function useAsync() {
  const [busy, setBusy] = useState(false);
  return [busy, async (fn) => {
    setBusy(true);
    try {
      return await fn();
    } finally {
      setBusy(false);
    }
  }];
}
