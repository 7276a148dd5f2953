// SPDX-License-Identifier: GPL-3.0-or-later
// Start page: what operations staff check every morning (the User Guide's Morning Status
// Review): ports waiting for us, ports past their timer, today's completions, open alarms, and
// 30 days of port-ins, port-outs and rejections by code, drawn with uPlot from /np_api/stats.
import { html, useEffect, useRef, useState } from "/ui/lib/preact-htm.js";
import { request } from "/ui/api.js";
import { Notice, usePoll, when } from "/ui/ui.js";

const COLORS = { in: "#1f4e8c", out: "#b35c00" };

// A bar chart of two series over labelled slots; the numbers are in the table beside it.
function Bars({ id, title, labels, a, b, names, xname, height }) {
  const ref = useRef(null);
  useEffect(() => {
    const uPlot = window.uPlot;
    const el = ref.current;
    if (!uPlot || !el) return;
    const x = labels.map((_, i) => i);
    const bars = (align) => uPlot.paths.bars({ size: [0.4, 24], align });
    const width = () => Math.max(260, Math.min(el.parentElement.clientWidth - 8, 640));
    const plot = new uPlot(
      {
        width: width(),
        height: height || 220,
        legend: { show: true },
        cursor: { show: true, drag: { x: false, y: false } },
        scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (u, min, max) => [0, Math.max(1, Math.ceil(max * 1.1))] } },
        axes: [
          { values: (u, splits) => splits.map((i) => String(labels[i] ?? "").split(" ")[0]), space: 40, gap: 4 },
          { values: (u, splits) => splits.map((v) => (Number.isInteger(v) ? v : "")) },
        ],
        series: [
          { label: xname, value: (u, i) => (i == null ? "--" : labels[i]) },
          { label: names[0], stroke: COLORS.in, fill: COLORS.in, paths: bars(-1), points: { show: false } },
          { label: names[1], stroke: COLORS.out, fill: COLORS.out, paths: bars(1), points: { show: false } },
        ],
      },
      [x, a, b],
      el,
    );
    const onResize = () => plot.setSize({ width: width(), height: height || 220 });
    addEventListener("resize", onResize);
    return () => {
      removeEventListener("resize", onResize);
      plot.destroy();
    };
  }, [JSON.stringify([labels, a, b])]);
  return html`<figure class="chart" id=${id}>
    <figcaption>${title}</figcaption>
    <div ref=${ref} class="plot" role="img" aria-label=${title + " (the numbers are in the table below)"}></div>
    <details>
      <summary>Numbers</summary>
      <div class="scroll" tabindex="0" role="region" aria-label=${title + " numbers"}>
        <table>
          <thead><tr><th scope="col">${xname}</th><th scope="col">${names[0]}</th><th scope="col">${names[1]}</th></tr></thead>
          <tbody>${labels.map((l, i) => html`<tr key=${l}><th scope="row">${l}</th><td>${a[i]}</td><td>${b[i]}</td></tr>`)}</tbody>
        </table>
      </div>
    </details>
  </figure>`;
}

export function Home({ me }) {
  const [s, setS] = useState(null);
  const [error, setError] = useState("");
  usePoll(
    async () => {
      try {
        setS(await request("GET", "/np_api/stats"));
        setError("");
      } catch (e) {
        setError(e.reason);
      }
    },
    10000,
    [],
  );
  if (!s) return html`<div class="page"><h1>Morning status review</h1><${Notice} kind=${error ? "error" : "info"}>${error || "Loading…"}<//></div>`;
  const w = s.waiting_for_action;
  const days = s.daily.map((d) => d.date.slice(5));
  const rej = s.rejections;
  return html`<div class="page"><h1>Morning status review</h1>
    <p class="muted">As of ${when(s.generated_at)} UTC, for ${me.user}. Refreshes by itself.</p>
    <${Notice} kind="error">${error}<//>
    <div class="cards">
      <section class="card" aria-labelledby="c-wait" data-testid="waiting">
        <h2 id="c-wait">Waiting for an action</h2>
        <p><a href="#/portin?state=2"><strong class="big">${w.port_in.count}</strong> port-in${w.port_in.count === 1 ? "" : "s"}</a> waiting for our instruction</p>
        <p><a href="#/portout?state=1"><strong class="big">${w.port_out.count}</strong> port-out${w.port_out.count === 1 ? "" : "s"}</a> waiting for our authorisation</p>
        ${[...w.port_in.oldest.map((p) => ["in", p]), ...w.port_out.oldest.map((p) => ["out", p])].length > 0 && html`<ul class="small">
          ${w.port_in.oldest.slice(0, 5).map((p) => html`<li key=${p.msgidentifier}>in <code>${p.msgidentifier}</code> since ${when(p.since)}</li>`)}
          ${w.port_out.oldest.slice(0, 5).map((p) => html`<li key=${p.msgidentifier}>out <code>${p.msgidentifier}</code> since ${when(p.since)}</li>`)}
        </ul>`}
      </section>
      <section class="card" aria-labelledby="c-stuck" data-testid="stuck">
        <h2 id="c-stuck">Past their timer</h2>
        <p><strong class=${"big" + (s.past_timer.length ? " bad" : "")}>${s.past_timer.length}</strong> port${s.past_timer.length === 1 ? "" : "s"} a timer should have moved</p>
        ${s.past_timer.length > 0 && html`<ul class="small">${s.past_timer.map((p) => html`<li key=${p.kind + p.msgidentifier}>
          ${p.kind} <code>${p.msgidentifier}</code> ${p.PortingStateString}: no ${p.waiting_for}, due ${when(p.due)}</li>`)}</ul>`}
      </section>
      <section class="card" aria-labelledby="c-done" data-testid="completed">
        <h2 id="c-done">Completed today</h2>
        <p><strong class="big">${s.completed_today.port_in}</strong> port-ins, <strong class="big">${s.completed_today.port_out}</strong> port-outs</p>
      </section>
      <section class="card" aria-labelledby="c-alarms" data-testid="alarms">
        <h2 id="c-alarms">Open alarms</h2>
        <p><strong class=${"big" + (s.alarms.open ? " bad" : "")}>${s.alarms.open}</strong> open (<code>npgwctl alarm list</code>)</p>
        ${s.alarms.latest.length > 0 && html`<ul class="small">${s.alarms.latest.slice(0, 5).map((a) => html`<li key=${a.id}>
          <span class=${"sev sev-" + a.severity}>${a.severity}</span> ${a.msgidentifier ? html`<code>${a.msgidentifier}</code> ` : ""}${a.text}</li>`)}</ul>`}
      </section>
    </div>
    <div class="charts">
      <${Bars} id="chart-daily" title=${`Port-ins and port-outs per day, last ${s.days} days`} labels=${days}
        a=${s.daily.map((d) => d.port_in)} b=${s.daily.map((d) => d.port_out)} names=${["Port-ins", "Port-outs"]} xname="Day" />
      ${rej.length
        ? html`<${Bars} id="chart-rejections" title=${`Rejections by code, last ${s.days} days`} labels=${rej.map((r) => `${r.code} ${r.reason}`)}
            a=${rej.map((r) => r.port_in)} b=${rej.map((r) => r.port_out)} names=${["Port-ins rejected", "Port-outs rejected"]} xname="Code" />`
        : html`<figure class="chart" id="chart-rejections"><figcaption>Rejections by code, last ${s.days} days</figcaption><p>No rejections.</p></figure>`}
    </div></div>`;
}
