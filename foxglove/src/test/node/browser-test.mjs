// Debian's Chromium (never a downloaded browser), driven by playwright-core, on the built-in page.
// Usage: node browser-test.mjs PAGE_URL SCREENSHOT.png (the chart alone goes to SCREENSHOT-chart.png)
// Waits for the latest-value table to change, lets the chart fill, saves a screenshot; prints
// "RESULT {json}". Exits 1 with "FAIL reason" on a page error or values that do not change.
import { chromium } from "playwright-core";

const [url, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.SHMTEL_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const errors = [];
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") { errors.push(`console error: ${m.text()}`); } });
  await page.goto(url);
  const cell = page.locator('#latest tr[data-field="position"] td');
  await cell.waitFor({ timeout: 20_000 });
  const first = await cell.textContent();
  await page.waitForFunction((before) => {
    const td = document.querySelector('#latest tr[data-field="position"] td');
    return td && td.textContent !== before;
  }, first, { timeout: 10_000 });
  const second = await cell.textContent();
  await page.waitForFunction(() => Number(document.getElementById("subtitle").dataset.count) >= 100, null, { timeout: 20_000 });
  await page.waitForTimeout(1000);
  const count = Number(await page.locator("#subtitle").getAttribute("data-count"));
  const channels = await page.locator("#channels button").allTextContents();
  const fields = await page.locator("#fields input").count();
  await page.screenshot({ path: screenshot });
  await page.locator("#chart").screenshot({ path: screenshot.replace(/\.png$/, "-chart.png") });
  if (errors.length > 0) {
    console.log(`FAIL ${errors.join("; ")}`);
    process.exitCode = 1;
  } else {
    console.log(`RESULT ${JSON.stringify({ first, second, count, channels, fields })}`);
  }
} catch (e) {
  console.log(`FAIL ${e.message}; ${errors.join("; ")}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
