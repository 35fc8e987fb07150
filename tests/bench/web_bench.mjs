// The browser half of web_bench.sh: node web_bench.mjs BASE USER PASSWORD JPEG_DIR
// Uploads the JPEGs, signs in with a cookie, then measures in chromium with
// the browser's performance API. Prints numbers; fails only if the page does.
import {createRequire} from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const [base, user, password, jpegDir] = process.argv.slice(2);
const source = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const {chromium} = createRequire(path.join(source, 'web/node_modules/'))('playwright-core');
const SCROLL_PHOTOS = 10000;

async function login(session) {
  const res = await fetch(`${base}/api/v1/auth/login`, {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({username: user, password, ...(session ? {session} : {})})});
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return {body: await res.json(), cookie: res.headers.get('set-cookie')};
}

// The real photos, six at a time (the server's limit per user).
const {body: {access_token: token}} = await login(null);
const files = fs.readdirSync(jpegDir).sort();
let next = 0;
await Promise.all(Array.from({length: 6}, async () => {
  while (next < files.length) {
    const name = files[next++];
    const form = new FormData();
    form.append('file', new Blob([fs.readFileSync(path.join(jpegDir, name))]), name);
    const res = await fetch(`${base}/api/v1/photos`, {
      method: 'POST', body: form, headers: {Authorization: `Bearer ${token}`}});
    if (res.status !== 201) throw new Error(`upload ${name}: ${res.status}`);
  }
}));

const {cookie} = await login('cookie');
const value = /octopus_session=([^;]+)/.exec(cookie)[1];
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--enable-precise-memory-info', '--js-flags=--expose-gc']});
const context = await browser.newContext({viewport: {width: 1280, height: 860}});
await context.addCookies([{name: 'octopus_session', value, url: base}]);
// Before any of the page's code: note when the first grid is complete
// (every thumbnail in the viewport decoded) and the first contentful paint.
await context.addInitScript(() => {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if (e.name === 'first-contentful-paint') window.__fcp = e.startTime;
    }
  }).observe({type: 'paint', buffered: true});
  const check = () => {
    const s = document.querySelector('.scroller');
    if (s) {
      const view = s.getBoundingClientRect();
      const imgs = [...document.querySelectorAll('.cell img')].filter((i) => {
        const r = i.getBoundingClientRect();
        return r.bottom > view.top && r.top < view.bottom;
      });
      if (imgs.length && imgs.every((i) => i.complete && i.naturalWidth > 0)) {
        window.__firstGrid = performance.now();
        window.__firstGridCells = imgs.length;
        return;
      }
    }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
});
const page = await context.newPage();

const loads = [];
for (let run = 0; run < 3; run++) {
  await page.goto(base + '/', {waitUntil: 'commit'});
  await page.waitForFunction(() => window.__firstGrid !== undefined, null, {timeout: 30000});
  loads.push(await page.evaluate(() => {
    // Where the time went: when the last module, the session, the first
    // page of photos and the last thumbnail in view had arrived.
    const entries = performance.getEntriesByType('resource');
    const ends = (test) => entries.filter((e) => test(e.name)).map((e) => e.responseEnd);
    const end = (test) => Math.max(0, ...ends(test));
    const firstEnd = (test) => Math.min(...ends(test));
    return {fcp: window.__fcp, grid: window.__firstGrid, cells: window.__firstGridCells,
            modules: end((n) => n.endsWith('.js')), session: end((n) => n.includes('/auth/session')),
            photos: firstEnd((n) => n.includes('/api/v1/photos?')),
            thumbs: end((n) => n.includes('/thumbnail'))};
  }));
}
const ms = (v) => `${Math.round(v)} ms`;
loads.forEach((l, i) => console.log(
    `load ${i + 1}${i ? ' (warm cache)' : ' (cold cache)'}: first contentful paint ${ms(l.fcp)}, ` +
    `first grid (${l.cells} thumbnails decoded) ${ms(l.grid)} after navigation; arrived: ` +
    `modules ${ms(l.modules)}, session ${ms(l.session)}, first page ${ms(l.photos)}, last ` +
    `thumbnail ${ms(l.thumbs)}`));
if (process.env.WEB_BENCH_SCROLL === '0') {
  await browser.close();
  process.exit(0);
}

// Scroll through SCROLL_PHOTOS photos, 600 px a frame, sampling the heap
// (after a collection) every 1,000 photos. Frames include the waits for the
// next page of 200 at the end of what is loaded, as a user scrolling fast
// sees them. The heap grows by the photo records loaded (about 0.5 kB
// each), not by the DOM, which stays the same size.
const result = await page.evaluate(async (target) => {
  const s = document.querySelector('.scroller');
  const frame = () => new Promise((r) => requestAnimationFrame(r));
  const firstVisible = () => Number(document.querySelector('.cell')?.dataset.index || 0);
  const heap = () => {
    if (window.gc) window.gc();
    return performance.memory.usedJSHeapSize / 1e6;
  };
  const samples = [{photos: 0, heap: heap(), elements: document.getElementsByTagName('*').length}];
  const frames = [];
  let last = performance.now();
  let maxElements = 0;
  const start = last;
  while (firstVisible() < target) {
    s.scrollTop += 600;
    await frame();
    const now = performance.now();
    frames.push(now - last);
    last = now;
    maxElements = Math.max(maxElements, document.getElementsByTagName('*').length);
    const at = firstVisible();
    if (at >= samples[samples.length - 1].photos + 1000) {
      samples.push({photos: at, heap: heap(), elements: document.getElementsByTagName('*').length});
      last = performance.now();  // the collection is not a frame of scrolling
    }
    if (performance.now() - start > 120000) break;
  }
  samples.push({photos: firstVisible(), heap: heap(),
                elements: document.getElementsByTagName('*').length});
  return {samples, frames, maxElements, seconds: (performance.now() - start) / 1000};
}, SCROLL_PHOTOS);
const sorted = [...result.frames].sort((a, b) => a - b);
const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
console.log(`scrolled ${result.samples[result.samples.length - 1].photos} photos in ` +
            `${result.frames.length} frames (${result.seconds.toFixed(1)} s): frame time median ` +
            `${pct(0.5).toFixed(1)} ms, p95 ${pct(0.95).toFixed(1)} ms, max ` +
            `${sorted[sorted.length - 1].toFixed(1)} ms, ${sorted.filter((f) => f > 50).length} ` +
            `frames over 50 ms; at most ${result.maxElements} elements in the page`);
console.log('JS heap while scrolling (MB, after a collection):');
for (const s of result.samples) {
  console.log(`  after ${String(s.photos).padStart(6)} photos: ${s.heap.toFixed(1)} MB, ` +
              `${s.elements} elements`);
}
await browser.close();
