// Debian's Chromium (never a downloaded browser), driven by playwright-core, on the built-in page's 3D view.
// Usage: node scene3d-test.mjs PAGE_URL SCREENSHOT.png [FRAME,FRAME,...|N|none]
//   FRAMES (or N): wait until the view draws (at least) these frames (at least N frames), then grab the
//           canvas's pixels twice, a few hundred ms apart, and count the pixels that differ (the transforms
//           move); the full page goes to SCREENSHOT.png, the canvas alone to SCREENSHOT-canvas.png.
//   none:   wait for the view to say that there are no transform channels, and save the page.
// Prints "RESULT {json}"; exits 1 with "FAIL reason" on a page error or a time-out.
import { chromium } from "playwright-core";

const [url, screenshot, expect = ""] = process.argv.slice(2);
const GAP_MS = 400;          // between the two pictures compared
const SETTLE_DRAWS = 5;      // drawn pictures to wait for after the frames appear (the camera fits to them)
const browser = await chromium.launch({
  executablePath: process.env.SHMTEL_CHROMIUM ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const errors = [];

// Keeps the canvas's pixels (RGBA) in the page, under `name` (read back in the page: 2 MB of pixels are
// too many to ship through the browser protocol).
const grab = (page, name) => page.evaluate((key) => {
  const canvas = document.getElementById("scene");
  window[key] = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height);
  return { width: canvas.width, height: canvas.height };
}, name);

// Counts of pixels, in the page: differing between the two pictures, not white in the second, and strongly
// red, green or blue (the axis triads).
const compare = (page) => page.evaluate(() => {
  const a = window.first.data;
  const b = window.second.data;
  let differing = 0;
  let drawn = 0;
  const axes = { red: 0, green: 0, blue: 0 };
  for (let i = 0; i < a.length; i += 4) {
    const [r, g, bl] = [b[i], b[i + 1], b[i + 2]];
    if (r !== a[i] || g !== a[i + 1] || bl !== a[i + 2]) { differing++; }
    if (r < 250 || g < 250 || bl < 250) { drawn++; }
    if (r > 150 && g < 110 && bl < 110) { axes.red++; }
    if (g > 120 && r < 100 && bl < 110) { axes.green++; }
    if (bl > 150 && r < 110 && g < 160) { axes.blue++; }
  }
  return { differing, drawn, axes };
});

// What the page shows, for a failure's message.
const state = (page) => page.evaluate(() => ({
  frames: document.getElementById("scene").dataset.frames, topics: document.getElementById("scene").dataset.topics,
  draws: document.getElementById("scene").dataset.draws, message: document.getElementById("scene-message").textContent,
  channels: [...document.querySelectorAll("#channels button")].map((b) => b.dataset.topic),
})).catch((e) => `(page state unavailable: ${e.message})`);

let page = null;
try {
  page = await browser.newPage({ viewport: { width: 1200, height: 760 } });
  page.on("pageerror", (e) => errors.push(`page error: ${e.message}`));
  page.on("console", (m) => { if (m.type() === "error") { errors.push(`console error: ${m.text()}`); } });
  await page.goto(url);
  if (expect === "none") {
    await page.waitForFunction(() => Number(document.getElementById("scene").dataset.draws) >= 1
        && document.querySelectorAll("#channels button").length > 0
        && document.getElementById("scene-message").textContent.startsWith("No transform channels"), null,
        { timeout: 20_000 });
    await page.screenshot({ path: screenshot });
    const message = await page.locator("#scene-message").textContent();
    const frames = await page.locator("#scene").getAttribute("data-frames");
    const channels = await page.locator("#channels button").count();
    console.log(`RESULT ${JSON.stringify({ message, frames, channels })}`);
  } else {
    const least = /^[0-9]+$/.test(expect) ? Number(expect) : 2;
    const wanted = least === Number(expect) ? [] : expect.split(",").filter((f) => f.length > 0);
    await page.waitForFunction(([names, n]) => {
      const drawn = (document.getElementById("scene").dataset.frames ?? "").split(",");
      return drawn.length >= n && names.every((name) => drawn.includes(name));
    }, [wanted, least], { timeout: 30_000 });
    const settled = Number(await page.locator("#scene").getAttribute("data-draws")) + SETTLE_DRAWS;
    await page.waitForFunction((n) => Number(document.getElementById("scene").dataset.draws) >= n, settled,
        { timeout: 10_000 });
    const first = await grab(page, "first");
    const messagesBefore = Number(await page.locator("#scene").getAttribute("data-messages"));
    await page.waitForTimeout(GAP_MS);
    await grab(page, "second");
    const counts = await compare(page);
    const scene = page.locator("#scene");
    await page.screenshot({ path: screenshot });
    await scene.screenshot({ path: screenshot.replace(/\.png$/, "-canvas.png") });
    console.log(`RESULT ${JSON.stringify({
      frames: (await scene.getAttribute("data-frames")).split(","),
      topics: (await scene.getAttribute("data-topics")).split(",").filter((t) => t.length > 0),
      draws: Number(await scene.getAttribute("data-draws")),
      messages: Number(await scene.getAttribute("data-messages")) - messagesBefore,
      width: first.width, height: first.height, ...counts,
      message: await page.locator("#scene-message").textContent(),
      url: page.url(),
    })}`);
  }
  if (errors.length > 0) {
    console.log(`FAIL ${errors.join("; ")}`);
    process.exitCode = 1;
  }
} catch (e) {
  console.log(`FAIL ${e.message}; ${errors.join("; ")}; page: ${JSON.stringify(page ? await state(page) : null)}`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
