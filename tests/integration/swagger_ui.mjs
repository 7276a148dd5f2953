// SPDX-License-Identifier: GPL-3.0-or-later
// Open /np_api/doc in Debian's chromium (headless) and print every operation Swagger UI lists,
// one "method path" per line; a screenshot goes to argv[3].
import { chromium } from "playwright-core";

const [url, shot] = [process.argv[2], process.argv[3]];
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const page = await browser.newPage();
  const failed = [];
  page.on("requestfailed", (r) => failed.push(r.url()));
  page.on("request", (r) => { if (!r.url().startsWith("http://127.0.0.1")) failed.push("external: " + r.url()); });
  await page.goto(url, { waitUntil: "networkidle" });
  await page.waitForSelector(".opblock-summary", { timeout: 15000 });
  const ops = await page.$$eval(".opblock-summary", (els) => els.map((e) => {
    const m = e.querySelector(".opblock-summary-method")?.textContent.trim().toLowerCase();
    const p = e.querySelector(".opblock-summary-path")?.getAttribute("data-path")
           ?? e.querySelector(".opblock-summary-path")?.textContent.trim();
    return `${m} ${p.replace(/\u200b/g, "")}`;
  }));
  if (shot) await page.screenshot({ path: shot, fullPage: true });
  for (const f of failed) console.log(`FAILED-REQUEST ${f}`);
  for (const o of ops) console.log(o);
} finally {
  await browser.close();
}
