// The web gallery in a real browser: Debian's chromium driven by
// playwright-core, against a real `octopus serve` on a temporary home on
// loopback. Photos are uploaded through the API, then a person's path is
// walked in the page: sign in, the timeline with its thumbnails, the viewer
// and its EXIF, folders, upload by the file picker, delete and restore from
// the trash, sign out (and the old session refused by the API). Every step
// waits for what it expects (no fixed sleeps) and fails when it is absent.
//
//   node tests/web/gallery_test.mjs path/to/octopus
//
// Environment: OCTOPUS_SOURCE_DIR (the tree whose web/ is served and whose
// web/node_modules holds playwright-core; default: this file's tree),
// OCTOPUS_SAMPLE_PHOTOS (the sample camera files; default ../shared/photos,
// then /work/shared/photos), OCTOPUS_CHROMIUM (default /usr/bin/chromium),
// OCTOPUS_SCREENSHOT_DIR (when set, PNGs of the timeline, viewer and folders).
//
// Missing chromium or playwright-core is a failure, not a skip: tools/setup.sh
// installs both. Missing sample photos skip, as the C++ tests do.
import {after, before, test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {fileURLToPath} from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const SOURCE = process.env.OCTOPUS_SOURCE_DIR || path.resolve(here, '../..');
const BINARY = process.argv[2] || process.env.OCTOPUS_BINARY ||
               path.join(SOURCE, 'build/tools/octopus');
const CHROMIUM = process.env.OCTOPUS_CHROMIUM || '/usr/bin/chromium';
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
let context;
let page;
const ids = {};   // file name -> photo id
const offsite = [];     // requests the page made beyond 127.0.0.1
const pageErrors = [];  // uncaught exceptions in the page
const cspViolations = [];  // what the Content-Security-Policy blocked
let tmp;

function loadPlaywright() {
  const require = createRequire(path.join(SOURCE, 'web/node_modules/'));
  try {
    return require('playwright-core');
  } catch (e) {
    throw new Error(`playwright-core is not installed in ${SOURCE}/web/node_modules ` +
                    `(tools/setup.sh installs it): ${e.message}`);
  }
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
  await page.screenshot({path: path.join(SHOTS, `${name}.png`)});
}

// The thumbnails the viewport shows (at least one) have loaded and decoded
// to real pixels. Those below it are lazy, and not even in the DOM.
async function visibleThumbnailsLoaded(p = page) {
  await p.waitForFunction(() => {
    const s = document.querySelector('.scroller');
    if (!s) return false;
    const view = s.getBoundingClientRect();
    const imgs = [...document.querySelectorAll('.cell img')].filter((i) => {
      const r = i.getBoundingClientRect();
      return r.bottom > view.top && r.top < view.bottom;
    });
    return imgs.length > 0 && imgs.every((i) => i.complete && i.naturalWidth > 0);
  }, null, {timeout: STEP_MS});
}

// A fresh start for a step, whatever the one before left open: the page
// reloaded at the timeline (the session cookie keeps it signed in).
async function freshTimeline() {
  await page.goto(base + '/#/timeline');
  await page.locator('#sign-out').waitFor();
}

// The ids of every photo the timeline shows, in order, found by scrolling
// it a screen at a time (it is virtualised), then back to the top.
async function timelineIds(p = page) {
  await p.locator('.cell').first().waitFor();
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
  // Both are installed by tools/setup.sh: their absence fails the test.
  assert.ok(fs.existsSync(CHROMIUM), `no chromium at ${CHROMIUM} (tools/setup.sh installs it)`);
  const {chromium} = loadPlaywright();
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

  browser = await chromium.launch({executablePath: CHROMIUM, args: ['--no-sandbox']});
  context = await browser.newContext({viewport: {width: 1280, height: 860}});
  page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('request', (r) => {
    const u = new URL(r.url());
    if (u.protocol === 'data:' || u.protocol === 'blob:') return;
    if (u.hostname !== '127.0.0.1') offsite.push(r.url());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  // Anything the server's Content-Security-Policy blocked (an inline
  // script, a style, an image from elsewhere) is a bug of the page:
  // chromium says so on the console ("Refused to load ...", "Executing
  // inline script violates the following Content Security Policy ...").
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(m.text());
  });
});

after(async () => {
  await browser?.close().catch(() => {});
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
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', 'not-the-password');
  await page.click('.login-form button[type=submit]');
  const error = page.locator('#login-error');
  await error.waitFor();
  assert.match(await error.textContent(), /password/i);
  // Past three failures for one name from one address the API answers 429
  // with Retry-After: the page says so (another name: admin is not slowed).
  await page.fill('input[name=username]', 'nobody');
  let said = '';
  for (let i = 0; i < 4 && !/try again/i.test(said); i++) {
    const answered = page.waitForResponse((r) => r.url().endsWith('/api/v1/auth/login'));
    await page.click('.login-form button[type=submit]');
    const status = (await answered).status();
    await page.waitForFunction(() => !document.querySelector('.login-form button[disabled]'));
    said = await error.textContent();
    if (status === 429) assert.match(said, /try again in \d+ s/);
  }
  assert.match(said, /try again in \d+ s/, 'a 429 says when to try again');
  await page.fill('input[name=username]', 'admin');
  await page.fill('input[name=password]', PASSWORD);
  await page.click('.login-form button[type=submit]');
  await page.locator('#sign-out').waitFor();
  assert.equal(await page.locator('.bar .who').textContent(), 'admin');
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
  assert.ok(await page.locator('.day-header').count() >= 2, 'a header per day');
  await shot('timeline');
});

test('the viewer shows the preview and the EXIF panel, and moves by keys', {skip}, async () => {
  await page.click(`.cell[data-id="${ids['apple_iphone4_gps.jpg']}"]`);
  const viewer = page.locator('.viewer');
  await viewer.waitFor();
  await page.waitForFunction(() => {
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
  await page.waitForFunction(() =>
    document.querySelector('.viewer .filename')?.textContent !== 'apple_iphone4_gps.jpg');
  await page.keyboard.press('ArrowRight');
  await page.waitForFunction(() =>
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
  await page.waitForFunction((id) => document.activeElement?.dataset?.id &&
                                     document.activeElement.dataset.id !== id,
                             ids['apple_iphone4_gps.jpg']);
  await page.keyboard.press('Enter');
  await viewer.waitFor();
  await page.keyboard.press('Escape');
  await viewer.waitFor({state: 'detached'});
});

test('folders count photos by camera and filter the timeline', {skip}, async () => {
  await freshTimeline();
  await page.click('#nav-folders');
  await page.click('.tab >> text=By camera');
  const folder = page.locator('.folder', {has: page.locator('a.folder-link', {hasText: /^Apple iPhone 4$/})});
  await folder.waitFor();
  assert.equal(await folder.locator('.count').textContent(), '1');
  await shot('folders');
  await folder.locator('a.folder-link').click();
  await page.waitForFunction((id) => {
    const cells = document.querySelectorAll('.cell');
    return cells.length === 1 && cells[0].dataset.id === id;
  }, ids['apple_iphone4_gps.jpg']);
  await page.click('#clear-filter');
  await page.locator('.filter-bar').waitFor({state: 'detached'});
  // The jump menu: from 2011 down, the iPhone 4's photo (January 2011) first.
  await page.locator('#jump option[value="2011"]').waitFor({state: 'attached'});
  await page.selectOption('#jump', '2011');
  await page.waitForFunction((id) => document.querySelector('.cell')?.dataset.id === id,
                             ids['apple_iphone4_gps.jpg']);
  await page.selectOption('#jump', '');
  await page.locator('.filter-bar').waitFor({state: 'detached'});
  assert.equal((await timelineIds()).length, SEEDED.length);
});

test('the file picker uploads: imported, duplicate and refused, each said', {skip}, async () => {
  await freshTimeline();
  await page.click('#nav-upload');
  const bytes = fs.readFileSync(path.join(PHOTOS, PICKED));
  await page.setInputFiles('#file-input', [
    {name: PICKED, mimeType: 'image/jpeg', buffer: bytes},
    {name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a photo\n')},
  ]);
  const imported = page.locator(`.upload-item.imported[data-name="${PICKED}"]`);
  await imported.waitFor();
  ids[PICKED] = await imported.getAttribute('data-id');
  assert.match(ids[PICKED], /^[0-9a-f]{32}$/);
  const refused = page.locator('.upload-item.refused[data-name="notes.txt"] .result');
  await refused.waitFor();
  assert.notEqual((await refused.textContent()).trim(), '');
  await page.setInputFiles('#file-input', [{name: PICKED, mimeType: 'image/jpeg', buffer: bytes}]);
  await page.locator(`.upload-item.duplicate[data-name="${PICKED}"]`).waitFor();
  // The quota meter counts the new photo.
  await page.waitForFunction((n) => /(\d+) photos/.exec(
      document.querySelector('.upload-page .quota-text')?.textContent || '')?.[1] === String(n),
                             SEEDED.length + 1);
  // A drop anywhere on the page uploads too (a photo already there: duplicate).
  const dropped = 'hp_photosmart735.jpg';
  const data = fs.readFileSync(path.join(PHOTOS, dropped)).toString('base64');
  const transfer = await page.evaluateHandle(([name, b64]) => {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, {type: 'image/jpeg'}));
    return dt;
  }, [dropped, data]);
  await page.dispatchEvent('main', 'dragover', {dataTransfer: transfer});
  await page.dispatchEvent('main', 'drop', {dataTransfer: transfer});
  await page.locator(`.upload-item.duplicate[data-name="${dropped}"]`).waitFor();
  await page.click('#nav-timeline');
  // No date of its own: dated by the upload, it comes first.
  await page.waitForFunction((id) => {
    const i = document.querySelector(`.cell[data-id="${id}"] img`);
    return i && i.complete && i.naturalWidth > 0;
  }, ids[PICKED]);
  assert.equal((await timelineIds()).length, SEEDED.length + 1);
});

test('delete moves a photo to the trash and the trash view restores it', {skip}, async () => {
  const id = ids[PICKED];
  await freshTimeline();
  await page.click(`.cell[data-id="${id}"]`);
  await page.locator('.viewer .filename', {hasText: PICKED}).waitFor();
  await page.click('#delete-photo');
  await page.waitForFunction((i) => !document.querySelector(`.cell[data-id="${i}"]`), id);
  let record = await apiJson('GET', `/photos/${id}`);
  assert.ok(record.body.trashed_at, 'the API has it in the trash');
  await page.keyboard.press('Escape');
  await page.click('#nav-trash');
  const item = page.locator(`.trash-item[data-id="${id}"]`);
  await item.waitFor();
  await item.locator('button.restore').click();
  await item.waitFor({state: 'detached'});
  record = await apiJson('GET', `/photos/${id}`);
  assert.equal(record.body.trashed_at, null, 'restored in the API');
  await page.click('#nav-timeline');
  await page.locator(`.cell[data-id="${id}"]`).waitFor();
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
    await page.click('#nav-trash');
    const first = page.locator(`.trash-item[data-id="${gone[0]}"]`);
    await first.waitFor();
    await page.locator(`.trash-item[data-id="${gone[1]}"]`).waitFor();
    await first.locator('button.purge').click();
    await first.waitFor({state: 'detached'});
    assert.equal((await apiJson('GET', `/photos/${gone[0]}`)).status, 404, 'purged');
    await page.click('#empty-trash');
    await page.locator('.trash-page .empty').waitFor();
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
  const big = await context.newPage();
  let served = 0;
  await big.route(/\/api\/v1\/photos\?/, (route) => {
    const u = new URL(route.request().url());
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
    route.fulfill({json: {photos, next_cursor: end < TOTAL ? String(end) : null}});
  });
  try {
    await big.goto(base + '/#/timeline');
    await big.locator('.cell').first().waitFor();
    let most = 0;
    // Scroll to the end, a screen at a time where photos are loaded and
    // straight to the bottom to fetch the next page.
    for (let steps = 0; served < TOTAL || !(await big.locator('.cell[data-id="syn99999"]').count());
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
    const heap = await big.evaluate(() => (performance.memory?.usedJSHeapSize ?? 0) / 1e6);
    assert.ok(most < 400, `at most ${most} cells in the DOM at once`);
    assert.ok(nodes < 1500, `${nodes} elements in the page at the end`);
    console.log(`# 100,000 photos scrolled: at most ${most} cells, ${nodes} elements at the ` +
                `end, JS heap ${heap.toFixed(1)} MB (the 100,000 records included)`);
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
  await page.click('#nav-admin');
  const row = page.locator('tr[data-user="bob"]');
  await row.waitFor();
  await row.locator('input[name=quota]').fill('2G');
  await row.locator('button[type=submit]').click();
  await page.locator('.admin-page .message', {hasText: 'bob'}).waitFor();
  await row.locator('button', {hasText: 'Disable'}).click();
  await row.locator('button', {hasText: 'Enable'}).waitFor();
  const bob = (await apiJson('GET', '/admin/users')).body.users.find((u) => u.username === 'bob');
  assert.equal(bob.quota_bytes, 2e9);
  assert.equal(bob.disabled, true);

  // An account made on the page (registration is closed: the admin's
  // route makes it anyway), then made an administrator.
  const form = page.locator('form.new-user');
  await form.locator('input[name=username]').fill('carol');
  await form.locator('input[name=password]').fill('carol-password-123');
  await form.locator('input[name=quota]').fill('5G');
  await form.locator('button[type=submit]').click();
  await page.locator('.admin-page .message', {hasText: 'Created user carol'}).waitFor();
  const carolRow = page.locator('tr[data-user="carol"]');
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

test('sign-out ends the session: the old cookie is refused', {skip}, async () => {
  const cookie = (await context.cookies()).find((c) => c.name === 'octopus_session');
  assert.ok(cookie, 'the login set the octopus_session cookie');
  assert.ok(cookie.httpOnly, 'HttpOnly');
  assert.equal(cookie.sameSite, 'Strict');
  const before = await fetch(base + '/api/v1/photos', {headers: {Cookie: `octopus_session=${cookie.value}`}});
  assert.equal(before.status, 200);
  await page.click('#sign-out');
  await page.locator('.login-form').waitFor();
  const res = await fetch(base + '/api/v1/photos', {headers: {Cookie: `octopus_session=${cookie.value}`}});
  assert.equal(res.status, 401, 'the revoked session is refused');
  const session = await page.evaluate(async () => (await fetch('/api/v1/auth/session')).status);
  assert.equal(session, 401);
});

test('the page made no request beyond 127.0.0.1, threw nothing, broke no CSP rule', {skip}, () => {
  assert.ok(base, 'the server ran');
  assert.deepEqual(offsite, []);
  assert.deepEqual(pageErrors, []);
  assert.deepEqual(cspViolations, [], 'nothing blocked by the Content-Security-Policy');
});
