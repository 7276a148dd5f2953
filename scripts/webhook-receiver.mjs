// SPDX-License-Identifier: GPL-3.0-or-later
// A webhook receiver (the tests' and scripts/quickstart's demo): every delivery is checked
// with the standardwebhooks package (the Standard Webhooks reference verifier, not ours) and
// recorded. node scripts/webhook-receiver.mjs PORT SECRET_FILE [--fail-first-attempt] [--delay MS]
//   SECRET_FILE holds the whsec_ secret (a file, so the secret never shows in ps)
//   POST /          a delivery: 204 when the signature verifies, 401 when it does not
//                   (--fail-first-attempt: 503 the first time each webhook-id is seen)
//   GET /log        every delivery: id, timestamp, verified, status, body
//   POST /control   {"status": 503} answers every delivery so until {"status": 0}
import fs from "node:fs";
import http from "node:http";
import { createRequire } from "node:module";

// standardwebhooks from the project's node_modules (scripts/install-deps)
const require = createRequire(new URL("../package.json", import.meta.url));
const { Webhook } = require("standardwebhooks");

const [port, secretFile, ...opts] = process.argv.slice(2);
const secret = fs.readFileSync(secretFile, "utf8").trim();
const failFirst = opts.includes("--fail-first-attempt");
const delayAt = opts.indexOf("--delay");
const delay = delayAt >= 0 ? Number(opts[delayAt + 1]) : 0;
const wh = new Webhook(secret);
const log = [];
const seen = new Set();
let forced = 0;

function read(req) {
  return new Promise((resolve, reject) => {
    const parts = [];
    req.on("data", (c) => parts.push(c));
    req.on("end", () => resolve(Buffer.concat(parts)));
    req.on("error", reject);
  });
}

http
  .createServer(async (req, res) => {
    const body = await read(req);
    if (req.method === "GET" && req.url === "/log") {
      res.writeHead(200, { "content-type": "application/json" });
      return res.end(JSON.stringify(log));
    }
    if (req.method === "POST" && req.url === "/control") {
      forced = JSON.parse(body.toString()).status || 0;
      res.writeHead(204);
      return res.end();
    }
    const text = body.toString("utf8");
    let verified = true;
    let error = "";
    try {
      wh.verify(text, req.headers);
    } catch (e) {
      verified = false;
      error = String(e.message || e);
    }
    const id = req.headers["webhook-id"] || "";
    let status = verified ? 204 : 401;
    if (verified && forced) status = forced;
    else if (verified && failFirst && !seen.has(id)) status = 503;
    seen.add(id);
    if (log.length >= 100000) log.shift(); // a demo that runs for days stays bounded
    log.push({ id, timestamp: req.headers["webhook-timestamp"], signature: req.headers["webhook-signature"],
               verified, error, status, body: text, at: Date.now() });
    if (delay) await new Promise((r) => setTimeout(r, delay));
    res.writeHead(status);
    res.end();
  })
  .listen(Number(port), "127.0.0.1");
