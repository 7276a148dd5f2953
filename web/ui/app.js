// SPDX-License-Identifier: GPL-3.0-or-later
// The ops UI shell: the API key modal, the navigation (only what the key's tier may use), and
// the pages, one per hash route (#/portin), all over the /np_api/ REST API.
import { html, render, useEffect, useState } from "/ui/lib/preact-htm.js";
import { allowed, request, saveKey, savedKey } from "/ui/api.js";
import { Dialog, Notice } from "/ui/ui.js";
import { Home } from "/ui/home.js";
import { PortingRequest } from "/ui/request.js";
import { PortIn } from "/ui/portin.js";
import { PortOut } from "/ui/portout.js";
import { RoutingQuery, PushRouting } from "/ui/routing.js";
import { SmsValidate } from "/ui/sms.js";

// Each page and the API route it needs: the navigation shows a page only when the key's tier
// may call its route (the API's tier tables decide, not the User Guide's).
const PAGES = [
  { path: "", label: "Start", title: "Morning status review", need: "GET /np_api/stats", view: Home },
  { path: "request", label: "Porting Request", title: "New porting request", need: "POST /np_api/PortIn/create", view: PortingRequest },
  { path: "portin", label: "Port IN", title: "Port IN", need: "GET /np_api/PortIn/list", view: PortIn },
  { path: "portout", label: "Port OUT", title: "Port OUT", need: "GET /np_api/PortOut/list", view: PortOut },
  { path: "routing", label: "Routing Query", title: "Routing query", need: "GET /np_api/route/{msisdn}", view: RoutingQuery },
  { path: "push", label: "Push Routing", title: "Push routing", need: "POST /np_api/route/{msisdn}/{operator}/{type}", view: PushRouting },
  { path: "sms", label: "Validate SMS Routing", title: "Validate SMS routing", need: "POST /np_api/validate/sms_validate", view: SmsValidate },
];

function currentPath() {
  return location.hash.replace(/^#\/?/, "").split("?")[0];
}

function KeyModal({ first, onSaved, onCancel }) {
  const [user, setUser] = useState("");
  const [key, setKey] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const submit = async (e) => {
    e.preventDefault();
    let u = user.trim();
    let k = key.trim();
    // a "user:key" line pasted whole into the key field
    if (!u && k.includes(":")) [u, k] = [k.slice(0, k.indexOf(":")), k.slice(k.indexOf(":") + 1)];
    if (!u || !k) return setError("Enter the user name and the API key you were given.");
    setBusy(true);
    setError("");
    try {
      const me = await request("GET", "/np_api/whoami", { key: `${u}:${k}` });
      saveKey(`${u}:${k}`);
      onSaved(me);
    } catch (err) {
      setError(err.status === 401 ? "This user name and API key were not accepted: " + err.reason : err.reason);
    } finally {
      setBusy(false);
    }
  };
  return html`<${Dialog} title="Enter API Key" id="keymodal" onClose=${first ? null : onCancel}>
    <form onSubmit=${submit} novalidate>
      <p>Your API key decides what you can do here (tiers admin, pxs, read_only). It is kept in this browser's local storage.</p>
      <div class="field">
        <label for="key-user">User name</label>
        <input id="key-user" name="user" autocomplete="username" value=${user} onInput=${(e) => setUser(e.target.value)} />
      </div>
      <div class="field">
        <label for="key-key">API key</label>
        <input id="key-key" name="key" type="password" autocomplete="current-password" value=${key}
          aria-describedby="key-hint" onInput=${(e) => setKey(e.target.value)} />
        <p class="hint" id="key-hint">Or paste the whole <code>user:key</code> line here.</p>
      </div>
      <${Notice} kind="error">${error}<//>
      <div class="buttons">
        <button type="submit" class="btn primary" disabled=${busy}>Save Changes</button>
        ${!first && html`<button type="button" class="btn" onClick=${onCancel}>Cancel</button>`}
      </div>
    </form>
  <//>`;
}

function App() {
  const [me, setMe] = useState(null);
  const [askKey, setAskKey] = useState(false);
  const [path, setPath] = useState(currentPath());
  const [error, setError] = useState("");
  const [menu, setMenu] = useState(false);

  useEffect(() => {
    const onHash = () => {
      setPath(currentPath());
      setMenu(false);
    };
    addEventListener("hashchange", onHash);
    if (!savedKey()) setAskKey(true);
    else
      request("GET", "/np_api/whoami")
        .then(setMe)
        .catch((e) => {
          setError(e.reason);
          if (e.status === 401) setAskKey(true);
        });
    return () => removeEventListener("hashchange", onHash);
  }, []);

  const pages = PAGES.filter((p) => allowed(me, p.need));
  let page = PAGES.find((p) => p.path === path);
  // a key that may not see the start page lands on its first page
  if (me && path === "" && !allowed(me, page.need) && pages.length) page = pages[0];
  useEffect(() => {
    document.title = (page ? page.title : "Not found") + " — npgw";
  }, [page]);

  let main;
  if (!me) main = html`<${Notice} kind=${error ? "error" : "info"}>${error || "Enter your API key to start."}<//>`;
  else if (!page) main = html`<div class="page"><h1>Not found</h1><p>There is no page <code>#/${path}</code>.</p></div>`;
  else if (!allowed(me, page.need))
    main = html`<div class="page"><h1>${page.title}</h1>
      <${Notice} kind="error">Your key's tier (${me.tier}) may not use ${page.label}: the API refuses <code>${page.need}</code> for it.<//></div>`;
  else {
    const View = page.view;
    main = html`<${View} me=${me} key=${me.user + page.path} />`;
  }

  return html`
    <a class="skip" href="#main" onClick=${(e) => { e.preventDefault(); document.getElementById("main").focus(); }}>Skip to content</a>
    <header class="top">
      <a class="brand" href="#/">npgw <span>porting operations</span></a>
      <button type="button" class="btn menu" aria-expanded=${menu} aria-controls="nav" onClick=${() => setMenu(!menu)}>Menu</button>
      <nav id="nav" class=${menu ? "open" : ""} aria-label="Pages">
        <ul>
          ${pages.map((p) => html`<li key=${p.path}>
            <a href=${"#/" + p.path} aria-current=${page && page.path === p.path ? "page" : undefined}>${p.label}</a>
          </li>`)}
        </ul>
      </nav>
      <div class="who">
        ${me && html`<span class="user" data-testid="who">${me.user} <span class="tier">${me.tier}</span></span>`}
        <button type="button" class="btn" id="change-key" onClick=${() => setAskKey(true)}>Change API Key</button>
      </div>
    </header>
    <main id="main" tabindex="-1">${main}</main>
    ${askKey && html`<${KeyModal} first=${!me} onCancel=${() => setAskKey(false)}
      onSaved=${(m) => { setMe(m); setError(""); setAskKey(false); }} />`}
  `;
}

render(html`<${App} />`, document.getElementById("app"));
