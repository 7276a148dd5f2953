// SPDX-License-Identifier: GPL-3.0-or-later
// Event History (port-in) and Event Log (port-out): the events as an accordion, the archived
// XML as downloads split into Output_XML and Input_XML, and the whole record as JSON.
import { html, useEffect, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { DIRECTIONS, Dialog, Notice, STATES, saveBlob, when } from "/ui/ui.js";

function XmlList({ folder, label, files }) {
  const [error, setError] = useState("");
  const get = async (e, name) => {
    e.preventDefault();
    setError("");
    try {
      const blob = await request("GET", `/np_api/PortIn/get_xml/${folder}/${encodeURIComponent(name)}`, { raw: true });
      saveBlob(blob, name);
    } catch (err) {
      setError(`${name}: ${err.reason}`);
    }
  };
  return html`<section class="xml" aria-labelledby=${"xml-" + folder}>
    <h4 id=${"xml-" + folder}>${label} <span class="muted">(${files.length})</span></h4>
    ${files.length === 0 ? html`<p class="muted">None.</p>` : html`<ul>
      ${files.map((n) => html`<li key=${n}><a href=${`#download/${folder}`} data-folder=${folder} download=${n} onClick=${(e) => get(e, n)}>${n}</a></li>`)}
    </ul>`}
    <${Notice} kind="error">${error}<//>
  </section>`;
}

export function EventHistory({ kind, msgid, onClose }) {
  const [rec, setRec] = useState(null);
  const [xml, setXml] = useState(null);
  const [error, setError] = useState("");
  const base = kind === "in" ? "/np_api/PortIn" : "/np_api/PortOut";
  useEffect(() => {
    (async () => {
      try {
        const r = await request("GET", `${base}/${encodeURIComponent(msgid)}`);
        setRec(r);
        const names = await request("GET", `${base}/get_xml_list/${encodeURIComponent(r.msgidentifier)}`);
        const by = { output_XML: [], input_XML: [] };
        for (const n of names) {
          const i = n.indexOf("/");
          if (i > 0 && by[n.slice(0, i)]) by[n.slice(0, i)].push(n.slice(i + 1));
        }
        setXml(by);
      } catch (e) {
        setError(e.reason);
      }
    })();
  }, [msgid]);
  const title = `${kind === "in" ? "Event History" : "Event Log"}: ${msgid}`;
  return html`<${Dialog} title=${title} onClose=${onClose} wide id="events">
    <${Notice} kind="error">${error}<//>
    ${!rec && !error && html`<p>Loading…</p>`}
    ${rec && html`
      ${rec.msgidentifier !== msgid && html`<${Notice} kind="info">${msgid} was resubmitted; this is the active record <code>${rec.msgidentifier}</code>.<//>`}
      <h3>Events</h3>
      <div class="accordion" data-testid="events">
        ${rec.events.map((e, i) => html`<details key=${i} class=${e.applied ? "" : "not-applied"}>
          <summary>
            <span class="ev-type">${e.msgtype}</span>
            <span class="ev-dir">${DIRECTIONS[e.direction] || e.direction}</span>
            <span class="ev-time">${when(e.submission_timestamp)}</span>
            ${!e.applied && html`<span class="ev-na">not applied</span>`}
          </summary>
          <dl>
            <dt>Log</dt><dd class="ev-log">${e.eventlog}</dd>
            <dt>State</dt><dd>${STATES[e.from_state] || e.from_state} → ${STATES[e.to_state] || e.to_state}</dd>
            <dt>Direction</dt><dd>${DIRECTIONS[e.direction] || e.direction}</dd>
          </dl>
        </details>`)}
        ${rec.events.length === 0 && html`<p class="muted">No events.</p>`}
      </div>
      <h3>XML bodies</h3>
      ${xml ? html`<div class="xml-lists" data-testid="xml">
        <${XmlList} folder="output_XML" label="Output_XML (sent)" files=${xml.output_XML} />
        <${XmlList} folder="input_XML" label="Input_XML (received)" files=${xml.input_XML} />
      </div>` : !error && html`<p>Loading…</p>`}
      <details class="json">
        <summary>Detailed data (JSON)</summary>
        <pre tabindex="0" data-testid="json">${JSON.stringify(rec, null, 2)}</pre>
      </details>`}
  <//>`;
}
