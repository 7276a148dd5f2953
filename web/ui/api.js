// SPDX-License-Identifier: GPL-3.0-or-later
// The /np_api/ client of the ops UI: HTTP Basic from the key kept in localStorage, JSON in and
// out, the API's own error sentence (its "Reason") in every failure.
const KEY = "npgw.apiKey";

export function savedKey() {
  return localStorage.getItem(KEY) || "";
}
export function saveKey(userKey) {
  localStorage.setItem(KEY, userKey);
}

export class ApiError extends Error {
  constructor(status, reason, body) {
    super(reason);
    this.status = status;
    this.reason = reason;
    this.body = body;
  }
}

function authHeader(userKey) {
  // btoa needs Latin-1: keys are hex and user names ASCII, anything else is encoded as UTF-8
  const bytes = new TextEncoder().encode(userKey);
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return "Basic " + btoa(bin);
}

// request("GET", "/np_api/PortIn/list", {query, body, key, raw}) -> parsed JSON (or a Blob
// with raw). Throws ApiError with the status and the API's Reason.
export async function request(method, path, opts = {}) {
  const key = opts.key ?? savedKey();
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(opts.query || {}))
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  // X-Requested-With: npgwd then answers 401 without a Basic challenge, so the browser does
  // not open its own login dialog over the API key modal.
  const headers = { "X-Requested-With": "npgw-ui", Accept: "application/json" };
  if (key) headers.Authorization = authHeader(key);
  let body;
  if (opts.body !== undefined) {
    headers["Content-Type"] = "application/json";
    body = JSON.stringify(opts.body);
  }
  let res;
  try {
    res = await fetch(url, { method, headers, body, credentials: "omit", cache: "no-store" });
  } catch (e) {
    throw new ApiError(0, "npgwd did not answer: " + e.message, null);
  }
  if (opts.raw && res.ok) return res.blob();
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!res.ok) {
    const reason = (json && (json.Reason || json.result)) || `${res.status} ${res.statusText}`;
    throw new ApiError(res.status, reason, json);
  }
  return json;
}

// "GET /np_api/PortIn/list" is allowed for this key (from /np_api/whoami's routes).
export function allowed(me, route) {
  return !!me && me.routes.includes(route);
}
