// The web gallery in a real browser, Debian's chromium or Firefox ESR, both
// driven by puppeteer-core (chromium over CDP, Firefox over WebDriver BiDi),
// against a real `octopus serve` on a temporary home on loopback. Photos are
// uploaded through the API, then a person's path is walked in the page: sign
// in, the timeline with its thumbnails, the viewer and its EXIF, folders,
// upload by the file picker, delete and restore from the trash, sign out (and
// the old session refused by the API). Every step waits for what it expects
// (no fixed sleeps) and fails when it is absent. The same steps run in both
// browsers: ctest has one entry per browser (web_gallery_chromium,
// web_gallery_firefox).
//
//   node tests/web/gallery_test.mjs path/to/octopus [chromium|firefox]
//
// Environment: OCTOPUS_SOURCE_DIR (the tree whose web/ is served and whose
// web/node_modules holds puppeteer-core; default: this file's tree),
// OCTOPUS_SAMPLE_PHOTOS (the sample camera files; default ../shared/photos,
// then /work/shared/photos), OCTOPUS_BROWSER (when the argument is absent;
// default chromium), OCTOPUS_CHROMIUM (default /usr/bin/chromium),
// OCTOPUS_FIREFOX (default /usr/bin/firefox-esr), OCTOPUS_SCREENSHOT_DIR
// (when set, PNGs of the timeline, viewer and folders, named after the
// browser).
//
// Why puppeteer-core for both, not playwright-core for chromium and a shim
// for Firefox: playwright drives only its own patched Firefox builds, never
// a stock firefox-esr, while puppeteer drives both stock browsers through
// one API, so one code path walks both and a step cannot pass in one browser
// by being written differently for it. (playwright-core stays installed for
// tests/bench/web_bench.mjs.) Playwright's auto-waiting locators are replaced
// by `$()` below: a CSS selector, optionally narrowed by text, looked up
// again on every use and waited for.
//
// Missing browser or puppeteer-core is a failure, not a skip: tools/setup.sh
// installs them. Missing sample photos skip, as the C++ tests do.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = process.env.OCTOPUS_SOURCE_DIR || path.resolve(here, '../..');
const BINARY = process.argv[2] || process.env.OCTOPUS_BINARY ||
               path.join(SOURCE, 'build/tools/octopus');
const BROWSER = process.argv[3] || process.env.OCTOPUS_BROWSER || 'chromium';
const EXECUTABLES = {
  chromium: process.env.OCTOPUS_CHROMIUM || '/usr/bin/chromium',
  firefox: process.env.OCTOPUS_FIREFOX || '/usr/bin/firefox-esr',
};
const SHOTS = process.env.OCTOPUS_SCREENSHOT_DIR || '';
const PHOTOS = [process.env.OCTOPUS_SAMPLE_PHOTOS, path.resolve(SOURCE, '../shared/photos'),
                '/work/shared/photos'].find((d) => d && fs.existsSync(path.join(d, 'expected.tsv')));
const PASSWORD = 'gallery-test-password';
// Uploaded through the API before the browser opens: seven cameras, two
// photos without a date, rotated ones.
const SEEDED = ['apple_iphone4_gps.jpg', 'canon_rebel_t3i_resized.jpg', 'nikon_d70s_gps.jpg',
                'olympus_pen_ep3.jpg', 'fujifilm_s2pro_gps_uk.jpg', 'hp_photosmart735.jpg',
                'landscape_orient8.jpg', 'olympus_d320l_noexif.jpg', 'samsung_j327t1_orient6.jpg'];
// Uploaded through the page's file picker.
const PICKED = 'progressive_eiger.jpg';
const STEP_MS = 15000;  // what one step may wait for

const skip = PHOTOS ? false : 'no sample photos (OCTOPUS_SAMPLE_PHOTOS, ../shared/photos)';

let server;       // the octopus serve child
let base;         // http://127.0.0.1:PORT
let token;        // a bearer token for checks through the API
let browser;
let page;
let sentinel;     // the proxy every request beyond loopback is sent to
const ids = {};   // file name -> photo id
const offsite = [];     // requests the page made beyond 127.0.0.1
const leaked = [];      // what reached the sentinel proxy, from the page or the browser
const redirected = [];  // chromium's own services, pointed at the sentinel by switches
const pageErrors = [];  // uncaught exceptions in the page
const cspViolations = [];  // what the Content-Security-Policy blocked
let tmp;

function loadPuppeteer() {
  const require = createRequire(path.join(SOURCE, 'web/node_modules/'));
  try {
    return require('puppeteer-core');
  } catch (e) {
    throw new Error(`puppeteer-core is not installed in ${SOURCE}/web/node_modules ` +
                    `(tools/setup.sh installs it): ${e.message}`);
  }
}

// Both browsers are told to send everything that is not loopback through
// this proxy on 127.0.0.1, which answers nothing and writes down what it was
// asked. Loopback itself is never proxied (chromium's implicit bypass,
// Firefox's network.proxy.allow_hijacking_localhost=false), so whatever
// arrives here would have left the machine, from the page (a font, a map
// tile) or from the browser itself (its calls home). The page's own
// requests are also checked by URL, but only this sees the browser's:
// chromium as playwright or puppeteer start it calls Google's account and
// autofill services (and with puppeteer's switches, its update, time and
// password leak check services too), which a check of the page's requests
// alone never saw.
function startSentinel() {
  return new Promise((resolve) => {
    const proxy = http.createServer((req, res) => {
      // An absolute URL is a request the browser meant for another host; a
      // path, one of chromium's own services sent here by a switch.
      if (req.url.startsWith('/')) redirected.push(`${req.method} ${req.url.split('?')[0]}`);
      else leaked.push(`${req.method} ${req.url}`);
      res.writeHead(502).end();
    });
    proxy.on('connect', (req, socket) => {
      leaked.push(`CONNECT ${req.url}`);
      socket.destroy();
    });
    proxy.on('clientError', (e, socket) => {
      leaked.push(`unreadable request (${e.code})`);
      socket.destroy();
    });
    proxy.listen(0, '127.0.0.1', () => resolve(proxy));
  });
}

// What the browser is started with, each in a throwaway profile under the
// test's temporary folder (chromium) or puppeteer's (Firefox, deleted on
// close), with what stops its calls home.
function launchOptions(sentinelPort) {
  const proxy = `127.0.0.1:${sentinelPort}`;
  const common = {executablePath: EXECUTABLES[BROWSER], headless: true,
                  defaultViewport: {width: 1280, height: 860}};
  if (BROWSER === 'chromium') {
    // Puppeteer's own switches (--disable-background-networking,
    // --disable-sync among them) leave these, each seen at the sentinel:
    // network time and autofill's server (asked about every form field),
    // stopped by features; the password leak check (on signing in), by the
    // profile's prefs. Two have no switch that stopped them here
    // (--disable-component-update and playwright's
    // SkipListAccountsWithoutGaiaCookies did not), only one that moves
    // them: the Google account probe (ListAccounts, at start) and the
    // component updater's on-demand check (the optimisation guide's model
    // manifest). They are sent to the sentinel itself, which counts them
    // apart, as requests that stayed on loopback; the last step prints them.
    const profile = path.join(tmp, 'chromium-profile');
    fs.mkdirSync(path.join(profile, 'Default'), {recursive: true});
    fs.writeFileSync(path.join(profile, 'Default/Preferences'), JSON.stringify({
      credentials_enable_service: false,
      profile: {password_manager_enabled: false, password_manager_leak_detection: false}}));
    return {...common, browser: 'chrome', userDataDir: profile, args: [
      '--no-sandbox', `--proxy-server=http://${proxy}`,
      '--disable-features=NetworkTimeServiceQuerying,AutofillServerCommunication',
      `--gaia-url=http://${proxy}`, `--component-updater=url-source=http://${proxy}/update`]};
  }
  // Puppeteer's prefs already turn off updates, safe browsing, the health
  // report and the new tab page's feeds, and point remote settings at a
  // dummy server, which release builds ignore (49 requests to
  // firefox.settings.services.mozilla.com in one run) unless
  // MOZ_REMOTE_SETTINGS_DEVTOOLS is set. The prefs after the proxy's were
  // not seen at the sentinel in a 40-second run without them, but fire on
  // timers (telemetry, push, captive portal, region, experiments): set so
  // that a slower run does not meet them.
  const env = {...process.env, MOZ_REMOTE_SETTINGS_DEVTOOLS: '1'};
  return {...common, browser: 'firefox', env, extraPrefsFirefox: {
    'network.proxy.type': 1,
    'network.proxy.http': '127.0.0.1',
    'network.proxy.http_port': sentinelPort,
    'network.proxy.ssl': '127.0.0.1',
    'network.proxy.ssl_port': sentinelPort,
    'network.proxy.allow_hijacking_localhost': false,
    'network.proxy.no_proxies_on': '',
    'network.captive-portal-service.enabled': false,
    'network.connectivity-service.enabled': false,
    'network.dns.disablePrefetch': true,
    'network.prefetch-next': false,
    'network.predictor.enabled': false,
    'network.trr.mode': 5,
    'dom.push.connection.enabled': false,
    'toolkit.telemetry.enabled': false,
    'toolkit.telemetry.unified': false,
    'toolkit.telemetry.archive.enabled': false,
    'datareporting.usage.uploadEnabled': false,
    'app.normandy.enabled': false,
    'browser.region.update.enabled': false,
    'browser.region.network.url': '',
    'extensions.blocklist.enabled': false,
    'identity.fxaccounts.enabled': false,
    'media.gmp-provider.enabled': false,
    'messaging-system.rsexperimentloader.enabled': false,
    'geo.provider.network.url': '',
    'security.OCSP.enabled': 0,
  }};
}

function startServer(home) {
  return new Promise((resolve, reject) => {
    const child = spawn(BINARY, ['--home', home, 'serve', '--port', '0', '--bind', '127.0.0.1',
                                 '--no-mount'], {
      env: {...process.env, HOME: tmp, OCTOPUS_ADMIN_USER: 'admin',
            OCTOPUS_ADMIN_PASSWORD: PASSWORD,
            OCTOPUS_PLACES_DATA: path.join(SOURCE, 'tests/fixtures/places')},
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const timer = setTimeout(() => reject(new Error(`serve printed no port in 30 s:\n${out}`)),
                             30000);
    const onData = (d) => {
      out += d;
      const m = /Photos API at http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        child.stdout.off('data', onData);
        child.stdout.resume();
        child.stderr.resume();
        resolve({child, port: Number(m[1])});
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (e) => reject(new Error(`cannot run ${BINARY}: ${e.message}`)));
    child.on('exit', (code) => reject(new Error(`serve exited (${code}) during start-up:\n${out}`)));
  });
}

async function apiJson(method, p, {body, headers = {}} = {}) {
  const res = await fetch(base + '/api/v1' + p, {
    method, body, headers: {...(token ? {Authorization: `Bearer ${token}`} : {}), ...headers}});
  const text = await res.text();
  return {status: res.status, body: text ? JSON.parse(text) : null};
}

async function uploadThroughApi(name) {
  const form = new FormData();
  form.append('file', new Blob([fs.readFileSync(path.join(PHOTOS, name))], {type: 'image/jpeg'}),
              name);
  const res = await apiJson('POST', '/photos', {body: form});
  assert.equal(res.status, 201, `upload of ${name}: ${JSON.stringify(res.body)}`);
  return res.body.id;
}

async function shot(name) {
  if (!SHOTS) return;
  fs.mkdirSync(SHOTS, {recursive: true});
  const file = BROWSER === 'chromium' ? `${name}.png` : `${name}-${BROWSER}.png`;
  await page.screenshot({path: path.join(SHOTS, file)});
}

// Runs in the page: the elements a chain of steps ({css, text, has}) finds,
// each step searching inside the elements of the one before, then what
// `want` asks of them. Text is matched against textContent: a string is
// looked for in it, a regular expression ({re, flags}) tested on it.
function pick(chain, want) {
  const matches = (el, t) => !t ||
      (t.re !== undefined ? new RegExp(t.re, t.flags).test(el.textContent)
                          : el.textContent.includes(t.s));
  let found = [document];
  for (const {css, text, has} of chain) {
    const next = [];
    for (const root of found) {
      for (const el of root.querySelectorAll(css)) {
        if (!matches(el, text)) continue;
        if (has && ![...el.querySelectorAll(has.css)].some((h) => matches(h, has.text))) continue;
        if (!next.includes(el)) next.push(el);
      }
    }
    found = next;
  }
  if (want === 'count') return found.length;
  if (want === 'detached') return found.length === 0;
  if (want === 'attached') return found[0] || false;
  const visible = (el) => {
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0 && getComputedStyle(el).visibility !== 'hidden';
  };
  return found.find(visible) || false;
}

const textArg = (t) => t === undefined ? undefined
    : t instanceof RegExp ? {re: t.source, flags: t.flags} : {s: t};

// A stand-in for playwright's locator, on puppeteer's waits: found again on
// every use (lit-html re-renders), and waited for (visible by default).
class Loc {
  constructor(p, chain) {
    this.page = p;
    this.chain = chain;
  }

  locator(css, {hasText, has} = {}) {
    const step = {css, text: textArg(hasText),
                  has: has && {css: has.css, text: textArg(has.hasText)}};
    return new Loc(this.page, [...this.chain, step]);
  }

  // A timeout says what it waited for (puppeteer's says only how long).
  async #wait(state) {
    try {
      return await this.page.waitForFunction(pick, {timeout: STEP_MS}, this.chain, state);
    } catch (e) {
      e.message = `waiting for ${JSON.stringify(this.chain)} to be ${state}: ${e.message}`;
      throw e;
    }
  }

  // state: visible (the default), attached (in the DOM) or detached.
  async waitFor({state = 'visible'} = {}) {
    await (await this.#wait(state)).dispose();
  }

  // The first element found (visible, by default): the caller disposes of it.
  async element(state = 'visible') {
    return (await this.#wait(state)).asElement();
  }

  async click() {
    const h = await this.element();
    try {
      await h.click();
    } finally {
      await h.dispose();
    }
  }

  // As a person would: the field emptied, then typed into (puppeteer's
  // fill: short values are typed, so the page sees key and input events).
  async fill(value) {
    const h = await this.element();
    try {
      await h.asLocator().setTimeout(STEP_MS).fill(value);
    } finally {
      await h.dispose();
    }
  }

  async textContent() {
    const h = await this.element('attached');
    try {
      return await h.evaluate((el) => el.textContent);
    } finally {
      await h.dispose();
    }
  }

  async getAttribute(name) {
    const h = await this.element('attached');
    try {
      return await h.evaluate((el, n) => el.getAttribute(n), name);
    } finally {
      await h.dispose();
    }
  }

  count() {
    return this.page.evaluate(pick, this.chain, 'count');
  }
}

const $ = (css, opts, p = page) => new Loc(p, []).locator(css, opts);

// Waits until fn(arg), run in the page, is truthy (playwright's argument order).
async function until(fn, arg, p = page) {
  const h = await p.waitForFunction(fn, {timeout: STEP_MS}, arg);
  await h.dispose();
}

// Every page is watched the same way: requests beyond loopback, uncaught
// exceptions, and what the Content-Security-Policy blocked. The browsers say
// the last differently: chromium on the console ("Refused to load ...
// Content Security Policy directive"), Firefox as a page error
// ("Content-Security-Policy: The page's settings blocked ..."). So a script
// run before the page's own (the page's policy does not apply to it) says
// each `securitypolicyviolation` event on the console, the same in both.
// (Checked by a stylesheet from another host added to index.html: in
// Firefox, both the page error and this message failed the last step.)
async function watch(p) {
  p.setDefaultTimeout(STEP_MS);
  p.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.hostname !== '127.0.0.1') offsite.push(r.url());
  });
  p.on('pageerror', (e) => pageErrors.push(e?.message ?? String(e)));
  p.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
  await p.evaluateOnNewDocument(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(
        `Content Security Policy: ${e.effectiveDirective} blocked ${e.blockedURI || 'inline'} ` +
        `(${e.sourceFile}:${e.lineNumber})`));
  });
}

// The thumbnails the viewport shows (at least one) have loaded and decoded
// to real pixels. Those below it are lazy, and not even in the DOM.
async function visibleThumbnailsLoaded(p = page) {
  await until(() => {
    const s = document.querySelector('.scroller');
    if (!s) return false;
    const view = s.getBoundingClientRect();
    const imgs = [...document.querySelectorAll('.cell img')].filter((i) => {
      const r = i.getBoundingClientRect();
      return r.bottom > view.top && r.top < view.bottom;
    });
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, null, p);
}

// A fresh start for a step, whatever the one before left open: the page
// at the timeline (the session cookie keeps it signed in).
async function freshTimeline() {
  await page.goto(base + '/#/timeline');
  await $('#sign-out').waitFor();
}

// The ids of every photo the timeline shows, in order, found by scrolling
// it a screen at a time (it is virtualised), then back to the top.
async function timelineIds(p = page) {
  await $('.cell', {}, p).waitFor();
  return p.evaluate(async () => {
    const s = document.querySelector('.scroller');
    const frame = () => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
    const seen = [];
    for (let top = 0; ; top += s.clientHeight / 2) {
      s.scrollTop = top;
      await frame();
      for (const c of document.querySelectorAll('.cell')) {
        if (!seen.includes(c.dataset.id)) seen.push(c.dataset.id);
      }
      if (top >= s.scrollHeight - s.clientHeight) break;
    }
    s.scrollTop = 0;
    await frame();
    return seen;
  });
}

before(async () => {
  if (skip) return;
  // Installed by tools/setup.sh: their absence fails the test.
  assert.ok(EXECUTABLES[BROWSER], `unknown browser ${BROWSER}: chromium or firefox`);
  assert.ok(fs.existsSync(EXECUTABLES[BROWSER]),
            `no ${BROWSER} at ${EXECUTABLES[BROWSER]} (tools/setup.sh installs it)`);
  const puppeteer = loadPuppeteer();
  assert.ok(fs.existsSync(BINARY), `no octopus binary at ${BINARY}`);
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'octopus-web-'));
  const started = await startServer(path.join(tmp, 'home'));
  server = started.child;
  base = `http://127.0.0.1:${started.port}`;

  const login = await apiJson('POST', '/auth/login', {
    body: JSON.stringify({username: 'admin', password: PASSWORD}),
    headers: {'Content-Type': 'application/json'}});
  assert.equal(login.status, 200, JSON.stringify(login.body));
  token = login.body.access_token;
  for (const name of SEEDED) ids[name] = await uploadThroughApi(name);
  token = null;  // the bearer session is kept only for checks
  const again = await apiJson('POST', '/auth/login', {
    body: JSON.stringify({username: 'admin', password: PASSWORD}),
    headers: {'Content-Type': 'application/json'}});
  token = again.body.access_token;

  sentinel = await startSentinel();
  browser = await puppeteer.launch(launchOptions(sentinel.address().port));
  page = await browser.newPage();
  await watch(page);
});

after(async () => {
  await browser?.close().catch(() => {});
  sentinel?.close();
  if (server && server.exitCode === null) {
    const exited = new Promise((r) => server.once('exit', r));
    server.kill('SIGTERM');
    await exited;
  }
  if (tmp) fs.rmSync(tmp, {recursive: true, force: true});
});

test('sign-in shows the API error for a wrong password, then signs in', {skip}, async () => {
  const res = await page.goto(base + '/');
  assert.equal(res.status(), 200);
  await $('input[name=username]').fill('admin');
  await $('input[name=password]').fill('not-the-password');
  await $('.login-form button[type=submit]').click();
  const error = $('#login-error');
  await error.waitFor();
  assert.match(await error.textContent(), /password/i);
  // Past three failures for one name from one address the API answers 429
  // with Retry-After: the page says so (another name: admin is not slowed).
  await $('input[name=username]').fill('nobody');
  let said = '';
  for (let i = 0; i < 4 && !/try again/i.test(said); i++) {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await $('.login-form button[type=submit]').click();
    const status = (await answered).status();
    await until(() => !document.querySelector('.login-form button[disabled]'));
    said = await error.textContent();
    if (status === 429) assert.match(said, /try again in \d+ s/);
  }
  assert.match(said, /try again in \d+ s/, 'a 429 says when to try again');
  await $('input[name=username]').fill('admin');
  await $('input[name=password]').fill(PASSWORD);
  await $('.login-form button[type=submit]').click();
  await $('#sign-out').waitFor();
  assert.equal(await $('.bar .who').textContent(), 'admin');
});

test('the timeline shows every uploaded photo with its thumbnail loaded', {skip}, async () => {
  await visibleThumbnailsLoaded();
  const shown = await timelineIds();
  assert.deepEqual(new Set(shown), new Set(Object.values(ids)));
  assert.equal(shown.length, SEEDED.length);
  await visibleThumbnailsLoaded();
  // Grouped by day, newest first: the iPhone 4 (2011) is below the Canon (2014).
  const order = shown.indexOf(ids['apple_iphone4_gps.jpg']) >
                shown.indexOf(ids['canon_rebel_t3i_resized.jpg']);
  assert.ok(order, `newest first: ${shown}`);
  assert.ok(await $('.day-header').count() >= 2, 'a header per day');
  await shot('timeline');
});

test('the viewer shows the preview and the EXIF panel, and moves by keys', {skip}, async () => {
  await $(`.cell[data-id="${ids['apple_iphone4_gps.jpg']}"]`).click();
  const viewer = $('.viewer');
  await viewer.waitFor();
  await until(() => {
    const i = document.querySelector('.viewer .preview');
    return i && i.complete && i.naturalWidth > 0;
  });
  assert.equal(await viewer.locator('.filename').textContent(), 'apple_iphone4_gps.jpg');
  assert.equal(await viewer.locator('dd[data-field=camera]').textContent(), 'Apple iPhone 4');
  assert.equal(await viewer.locator('dd[data-field=iso]').textContent(), '500');
  assert.match(await viewer.locator('dd[data-field=gps]').textContent(), /41\.85300° N, 12\.48883° E/);
  assert.match(await viewer.locator('dd[data-field=taken]').textContent(), /^2011-01-13 14:33:39/);
  const download = await viewer.locator('a[download]').getAttribute('href');
  assert.equal(download, `/api/v1/photos/${ids['apple_iphone4_gps.jpg']}/original`);
  await shot('viewer');
  // The iPhone 4 is the oldest: left goes to a newer photo, right back.
  await page.keyboard.press('ArrowLeft');
  await until(() =>
    document.querySelector('.viewer .filename')?.textContent !== 'apple_iphone4_gps.jpg');
  await page.keyboard.press('ArrowRight');
  await until(() =>
    document.querySelector('.viewer .filename')?.textContent === 'apple_iphone4_gps.jpg');
  // Rename, through the API.
  await viewer.locator('button', {hasText: 'Rename'}).click();
  await viewer.locator('input[name=filename]').fill('Rome.jpg');
  await viewer.locator('form.rename button[type=submit]').click();
  await viewer.locator('.filename', {hasText: 'Rome.jpg'}).waitFor();
  const renamed = await apiJson('GET', `/photos/${ids['apple_iphone4_gps.jpg']}`);
  assert.equal(renamed.body.filename, 'Rome.jpg');
  // Correct the capture time's offset: kept by the API, shown in the panel.
  await viewer.locator('#edit-photo').click();
  await viewer.locator('input[name=offset]').fill('+01:00');
  await viewer.locator('.edit-form button[type=submit]').click();
  await viewer.locator('dd[data-field=taken]', {hasText: 'UTC+01:00'}).waitFor();
  const corrected = await apiJson('GET', `/photos/${ids['apple_iphone4_gps.jpg']}`);
  assert.equal(corrected.body.taken_at_offset, '+01:00');
  await page.keyboard.press('Escape');
  await viewer.waitFor({state: 'detached'});
  // Focus is back on the photo, and arrow keys move it through the grid.
  const focused = () => page.evaluate(() => document.activeElement?.dataset?.id);
  assert.equal(await focused(), ids['apple_iphone4_gps.jpg']);
  await page.keyboard.press('ArrowLeft');
  await until((id) => document.activeElement?.dataset?.id &&
                      document.activeElement.dataset.id !== id,
              ids['apple_iphone4_gps.jpg']);
  await page.keyboard.press('Enter');
  await viewer.waitFor();
  await page.keyboard.press('Escape');
  await viewer.waitFor({state: 'detached'});
});

test('folders count photos by camera and filter the timeline', {skip}, async () => {
  await freshTimeline();
  await $('#nav-folders').click();
  await $('.tab', {hasText: 'By camera'}).click();
  const folder = $('.folder', {has: {css: 'a.folder-link', hasText: /^Apple iPhone 4$/}});
  await folder.waitFor();
  assert.equal(await folder.locator('.count').textContent(), '1');
  await shot('folders');
  await folder.locator('a.folder-link').click();
  await until((id) => {
    const cells = document.querySelectorAll('.cell');
    return cells.length === 1 && cells[0].dataset.id === id;
  }, ids['apple_iphone4_gps.jpg']);
  await $('#clear-filter').click();
  await $('.filter-bar').waitFor({state: 'detached'});
  // The jump menu: from 2011 down, the iPhone 4's photo (January 2011) first.
  await $('#jump option[value="2011"]').waitFor({state: 'attached'});
  await page.select('#jump', '2011');
  await until((id) => document.querySelector('.cell')?.dataset.id === id,
              ids['apple_iphone4_gps.jpg']);
  await page.select('#jump', '');
  await $('.filter-bar').waitFor({state: 'detached'});
  assert.equal((await timelineIds()).length, SEEDED.length);
});

test('the file picker uploads: imported, duplicate and refused, each said', {skip}, async () => {
  await freshTimeline();
  await $('#nav-upload').click();
  // The picker is given files on disk (WebDriver BiDi's input.setFiles
  // takes paths): the photo, and a text file the API refuses.
  const picks = path.join(tmp, 'picks');
  fs.mkdirSync(picks, {recursive: true});
  fs.copyFileSync(path.join(PHOTOS, PICKED), path.join(picks, PICKED));
  fs.writeFileSync(path.join(picks, 'notes.txt'), 'not a photo\n');
  const pickFiles = async (...names) => {
    const input = await $('#file-input').element('attached');
    await input.uploadFile(...names.map((n) => path.join(picks, n)));
    await input.dispose();
  };
  await pickFiles(PICKED, 'notes.txt');
  const imported = $(`.upload-item.imported[data-name="${PICKED}"]`);
  await imported.waitFor();
  ids[PICKED] = await imported.getAttribute('data-id');
  assert.match(ids[PICKED], /^[0-9a-f]{32}$/);
  const refused = $('.upload-item.refused[data-name="notes.txt"] .result');
  await refused.waitFor();
  assert.notEqual((await refused.textContent()).trim(), '');
  await pickFiles(PICKED);
  await $(`.upload-item.duplicate[data-name="${PICKED}"]`).waitFor();
  // The quota meter counts the new photo.
  await until((n) => /(\d+) photos/.exec(
      document.querySelector('.upload-page .quota-text')?.textContent || '')?.[1] === String(n),
              SEEDED.length + 1);
  // A drop anywhere on the page uploads too (a photo already there: duplicate).
  const dropped = 'hp_photosmart735.jpg';
  const data = fs.readFileSync(path.join(PHOTOS, dropped)).toString('base64');
  await page.evaluate((name, b64) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, {type: 'image/jpeg'}));
    const main = document.querySelector('main');
    for (const type of ['dragover', 'drop']) {
      main.dispatchEvent(new DragEvent(type, {dataTransfer: dt, bubbles: true, cancelable: true,
                                              composed: true}));
    }
  }, dropped, data);
  await $(`.upload-item.duplicate[data-name="${dropped}"]`).waitFor();
  await $('#nav-timeline').click();
  // No date of its own: dated by the upload, it comes first.
  await until((id) => {
    const i = document.querySelector(`.cell[data-id="${id}"] img`);
    return i && i.complete && i.naturalWidth > 0;
  }, ids[PICKED]);
  assert.equal((await timelineIds()).length, SEEDED.length + 1);
});

test('delete moves a photo to the trash and the trash view restores it', {skip}, async () => {
  const id = ids[PICKED];
  await freshTimeline();
  await $(`.cell[data-id="${id}"]`).click();
  await $('.viewer .filename', {hasText: PICKED}).waitFor();
  await $('#delete-photo').click();
  await until((i) => !document.querySelector(`.cell[data-id="${i}"]`), id);
  let record = await apiJson('GET', `/photos/${id}`);
  assert.ok(record.body.trashed_at, 'the API has it in the trash');
  await page.keyboard.press('Escape');
  await $('#nav-trash').click();
  const item = $(`.trash-item[data-id="${id}"]`);
  await item.waitFor();
  await item.locator('button.restore').click();
  await item.waitFor({state: 'detached'});
  record = await apiJson('GET', `/photos/${id}`);
  assert.equal(record.body.trashed_at, null, 'restored in the API');
  await $('#nav-timeline').click();
  await $(`.cell[data-id="${id}"]`).waitFor();
});

test('the trash view purges one photo and empties the rest', {skip}, async () => {
  const gone = [ids['landscape_orient8.jpg'], ids['olympus_d320l_noexif.jpg']];
  for (const id of gone) assert.equal((await apiJson('DELETE', `/photos/${id}`)).status, 204);
  await freshTimeline();
  const dialogs = [];
  const accept = (d) => {
    dialogs.push(d.message());
    d.accept();
  };
  page.on('dialog', accept);
  try {
    await $('#nav-trash').click();
    const first = $(`.trash-item[data-id="${gone[0]}"]`);
    await first.waitFor();
    await $(`.trash-item[data-id="${gone[1]}"]`).waitFor();
    await first.locator('button.purge').click();
    await first.waitFor({state: 'detached'});
    assert.equal((await apiJson('GET', `/photos/${gone[0]}`)).status, 404, 'purged');
    await $('#empty-trash').click();
    await $('.trash-page .empty').waitFor();
    assert.equal((await apiJson('GET', `/photos/${gone[1]}`)).status, 404, 'emptied');
    assert.equal(dialogs.length, 2, 'each purge asked first');
  } finally {
    page.off('dialog', accept);
  }
});

test('the timeline stays small in the DOM over 100,000 photos', {skip}, async () => {
  // A second page whose photo list is synthetic (the server's own paging is
  // tested in C++): 100,000 photos, 20 a day, in the API's shape, in pages
  // of 5,000 whatever the limit asked (a page may be shorter or longer: the
  // page follows next_cursor), so that the walk takes 20 requests. Their
  // thumbnails are left to the server, which does not know them (404): what
  // is measured is the DOM.
  const TOTAL = 100000;
  const big = await browser.newPage();
  await watch(big);
  let served = 0;
  await big.setRequestInterception(true);
  big.on('request', (request) => {
    if (!/\/api\/v1\/photos\?/.test(request.url())) {
      request.continue();
      return;
    }
    const u = new URL(request.url());
    const limit = 5000;
    const start = Number(u.searchParams.get('cursor') || 0);
    const end = Math.min(TOTAL, start + limit);
    const photos = [];
    for (let i = start; i < end; i++) {
      const day = new Date(Date.UTC(2025, 0, 1) - Math.floor(i / 20) * 86400000);
      photos.push({id: `syn${i}`, filename: `IMG_${i}.jpg`, mime: 'image/jpeg', size: 1,
                   width: 10, height: 10, taken_at: day.toISOString().slice(0, 19),
                   taken_at_estimated: false, camera: {make: null, model: null}, exif: {}});
    }
    served = end;
    request.respond({status: 200, contentType: 'application/json',
                     body: JSON.stringify({photos, next_cursor: end < TOTAL ? String(end) : null})});
  });
  try {
    await big.goto(base + '/#/timeline');
    await $('.cell', {}, big).waitFor();
    let most = 0;
    // Scroll to the end, a screen at a time where photos are loaded and
    // straight to the bottom to fetch the next page.
    for (let steps = 0; served < TOTAL || !(await $('.cell[data-id="syn99999"]', {}, big).count());
         steps++) {
      assert.ok(steps < 200, `stuck after ${served} photos`);
      const cells = await big.evaluate(async () => {
        const s = document.querySelector('.scroller');
        s.scrollTop = s.scrollHeight;
        await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
        return document.querySelectorAll('.cell').length;
      });
      most = Math.max(most, cells);
    }
    const nodes = await big.evaluate(() => document.getElementsByTagName('*').length);
    // performance.memory is chromium's alone.
    const heap = await big.evaluate(() => performance.memory?.usedJSHeapSize);
    assert.ok(most < 400, `at most ${most} cells in the DOM at once`);
    assert.ok(nodes < 1500, `${nodes} elements in the page at the end`);
    console.log(`# ${BROWSER}, 100,000 photos scrolled: at most ${most} cells, ${nodes} elements ` +
                `at the end, JS heap ${heap ? `${(heap / 1e6).toFixed(1)} MB` : 'not reported'} ` +
                `(the 100,000 records included)`);
  } finally {
    await big.close();
  }
});

test('the users page sets a quota, disables, creates an account and makes it admin', {skip}, async () => {
  // Accounts are made by the CLI, beside the running server.
  const add = spawn(BINARY, ['--home', path.join(tmp, 'home'), 'user', 'add', 'bob',
                             '--password-stdin'],
                    {env: {...process.env, HOME: tmp}, stdio: ['pipe', 'ignore', 'inherit']});
  add.stdin.end('bob-password-123\n');
  assert.equal(await new Promise((r) => add.on('exit', r)), 0, 'octopus user add bob');
  await freshTimeline();
  await $('#nav-admin').click();
  const row = $('tr[data-user="bob"]');
  await row.waitFor();
  await row.locator('input[name=quota]').fill('2G');
  await row.locator('button[type=submit]').click();
  await $('.admin-page .message', {hasText: 'bob'}).waitFor();
  await row.locator('button', {hasText: 'Disable'}).click();
  await row.locator('button', {hasText: 'Enable'}).waitFor();
  const bob = (await apiJson('GET', '/admin/users')).body.users.find((u) => u.username === 'bob');
  assert.equal(bob.quota_bytes, 2e9);
  assert.equal(bob.disabled, true);

  // An account made on the page (registration is closed: the admin's
  // route makes it anyway), then made an administrator.
  const form = $('form.new-user');
  await form.locator('input[name=username]').fill('carol');
  await form.locator('input[name=password]').fill('carol-password-123');
  await form.locator('input[name=quota]').fill('5G');
  await form.locator('button[type=submit]').click();
  await $('.admin-page .message', {hasText: 'Created user carol'}).waitFor();
  const carolRow = $('tr[data-user="carol"]');
  await carolRow.waitFor();
  assert.equal(await carolRow.locator('.chip').count(), 0, 'not an administrator yet');
  await carolRow.locator('button.admin-toggle', {hasText: 'Make admin'}).click();
  await carolRow.locator('button.admin-toggle', {hasText: 'Remove admin'}).waitFor();
  await carolRow.locator('.chip', {hasText: 'admin'}).waitFor();
  // Checked as carol herself, with a bearer token: she exists, signs in
  // with the password typed on the page, and administers.
  const login = await fetch(base + '/api/v1/auth/login', {
    method: 'POST', headers: {'Content-Type': 'application/json'},
    body: JSON.stringify({username: 'carol', password: 'carol-password-123'})});
  assert.equal(login.status, 200, 'carol signs in');
  const carolToken = (await login.json()).access_token;
  const asCarol = (p) => fetch(base + '/api/v1' + p, {headers: {Authorization: `Bearer ${carolToken}`}});
  const me = await (await asCarol('/users/me')).json();
  assert.equal(me.username, 'carol');
  assert.equal(me.is_admin, true);
  assert.equal(me.quota_bytes, 5e9);
  assert.equal((await asCarol('/admin/users')).status, 200, 'carol lists the users');
});

test('on a phone-sized screen every menu entry and sign-out are in view', {skip}, async () => {
  // A phone in portrait: the header keeps one line, and nothing of it may
  // sit past the screen's edge or scrolled out of the menu's own box
  // (its overflow-x scrolls: a link there is reachable only by a swipe
  // nobody knows to make).
  await page.setViewport({width: 390, height: 844});
  try {
    await freshTimeline();
    const out = await page.evaluate(() => {
      const nav = document.querySelector('.bar nav').getBoundingClientRect();
      const wide = document.documentElement.clientWidth;
      const bad = [];
      for (const el of [...document.querySelectorAll('.bar nav a'), document.querySelector('#sign-out')]) {
        const r = el.getBoundingClientRect();
        const box = el.id === 'sign-out' ? {left: 0, right: wide} : nav;
        if (r.width === 0 || r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.right > wide + 0.5) {
          bad.push(`${el.textContent.trim()} at ${Math.round(r.left)}..${Math.round(r.right)} ` +
                   `(box ${Math.round(box.left)}..${Math.round(box.right)}, screen ${wide})`);
        }
      }
      return {bad, links: document.querySelectorAll('.bar nav a').length};
    });
    assert.equal(out.links, 5, 'Photos, Folders, Upload, Trash, Users');
    assert.deepEqual(out.bad, [], 'cut off at 390 px');
    await shot('phone');
  } finally {
    await page.setViewport({width: 1280, height: 860});
  }
});

test('sign-out ends the session: the old cookie is refused', {skip}, async () => {
  const cookie = (await browser.cookies()).find((c) => c.name === 'octopus_session');
  assert.ok(cookie, 'the login set the octopus_session cookie');
  assert.ok(cookie.httpOnly, 'HttpOnly');
  assert.equal(cookie.sameSite, 'Strict');
  const before = await fetch(base + '/api/v1/photos', {headers: {Cookie: `octopus_session=${cookie.value}`}});
  assert.equal(before.status, 200);
  await $('#sign-out').click();
  await $('.login-form').waitFor();
  const res = await fetch(base + '/api/v1/photos', {headers: {Cookie: `octopus_session=${cookie.value}`}});
  assert.equal(res.status, 401, 'the revoked session is refused');
  const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status);
  assert.equal(session, 401);
});

test('the page made no request beyond 127.0.0.1, threw nothing, broke no CSP rule', {skip}, () => {
  assert.ok(base, 'the server ran');
  assert.deepEqual(offsite, []);
  const counted = (list) => {
    const n = {};
    for (const l of list) n[l] = (n[l] || 0) + 1;
    return n;
  };
  assert.deepEqual(counted(leaked), {}, `${BROWSER} sent these beyond loopback (to the sentinel)`);
  if (redirected.length) {
    console.log(`# ${BROWSER}'s own services, kept on loopback by its switches: ` +
                JSON.stringify(counted(redirected)));
  }
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, [], 'nothing blocked by the Content-Security-Policy');
});
