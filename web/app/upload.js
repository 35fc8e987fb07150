// Uploads: one request per file (so each gets its own status and progress),
// at most three in flight (the server allows six per user), retried after
// Retry-After when the server answers 429.
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api, errorFrom, unsafeHeaders} from '/app/api.js';
import {formatBytes} from '/app/format.js';

const PARALLEL = 3;

export class Uploads {
  constructor(app) {
    this.app = app;
    this.items = [];  // {file, name, state, loaded, total, message}
    this.queue = [];
    this.running = 0;
    this.me = null;  // /users/me: used_bytes, quota_bytes
  }

  async refreshQuota() {
    try {
      this.me = await api('GET', '/users/me');
    } catch {
      // Shown as unknown; a 401 is handled by the app.
    }
    this.app.render();
  }

  add(files) {
    for (const file of files) {
      const item = {file, name: file.webkitRelativePath || file.name, state: 'waiting',
                    loaded: 0, total: file.size, message: ''};
      this.items.unshift(item);
      this.queue.push(item);
    }
    this.pump();
    this.app.render();
  }

  pump() {
    while (this.running < PARALLEL && this.queue.length) {
      const item = this.queue.shift();
      this.running++;
      this.send(item).finally(() => {
        this.running--;
        this.pump();
        // The meter moves with each file; the timeline reloads once.
        if (item.state === 'imported') this.refreshQuota();
        if (!this.running && !this.queue.length) this.app.photosChanged();
        this.app.render();
      });
    }
  }

  send(item) {
    return new Promise((resolve) => {
      const form = new FormData();
      form.append('last_modified', String(item.file.lastModified || Date.now()));
      form.append('file', item.file, item.file.name);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/photos');
      for (const [k, v] of Object.entries(unsafeHeaders())) xhr.setRequestHeader(k, v);
      item.state = 'sending';
      xhr.upload.onprogress = (e) => {
        if (e.lengthComputable) {
          item.loaded = e.loaded;
          item.total = e.total;
          this.app.render();
        }
      };
      xhr.onerror = () => {
        item.state = 'failed';
        item.message = 'The connection failed';
        resolve();
      };
      xhr.onload = () => {
        let data = null;
        try {
          data = JSON.parse(xhr.responseText);
        } catch {
          data = null;
        }
        const status = xhr.status;
        if (status === 429) {
          const wait = Number(xhr.getResponseHeader('Retry-After')) || 1;
          item.state = 'waiting';
          item.message = `server busy, retrying in ${wait} s`;
          setTimeout(() => {
            this.queue.unshift(item);
            this.pump();
          }, wait * 1000);
          resolve();
          return;
        }
        if (status === 201) {
          item.state = 'imported';
          item.message = 'imported';
        } else if (status === 200 && data && data.restored) {
          item.state = 'imported';
          item.message = 'restored from the trash';
        } else if (status === 200) {
          item.state = 'duplicate';
          item.message = 'already in the library';
        } else if (status === 507) {
          item.state = 'refused';
          item.message = 'over quota: ' + errorFrom(status, data).message;
        } else if (status === 401) {
          item.state = 'refused';
          item.message = 'signed out';
          this.app.sessionEnded();
        } else {
          item.state = 'refused';
          item.message = errorFrom(status, data).message;
        }
        item.loaded = item.total;
        if (data && data.id) item.id = data.id;
        resolve();
      };
      xhr.send(form);
    });
  }

  summary() {
    const count = (s) => this.items.filter((i) => i.state === s).length;
    return {imported: count('imported'), duplicate: count('duplicate'),
            refused: count('refused') + count('failed'),
            pending: count('waiting') + count('sending')};
  }
}

// Files of a drop, folders walked (Chromium and Firefox: webkitGetAsEntry).
export async function droppedFiles(dataTransfer) {
  const entries = [...dataTransfer.items]
      .map((i) => (i.webkitGetAsEntry ? i.webkitGetAsEntry() : null))
      .filter(Boolean);
  if (!entries.length) return [...dataTransfer.files];
  const files = [];
  const walk = async (entry) => {
    if (entry.isFile) {
      files.push(await new Promise((ok, fail) => entry.file(ok, fail)));
    } else if (entry.isDirectory) {
      const reader = entry.createReader();
      for (;;) {
        const batch = await new Promise((ok, fail) => reader.readEntries(ok, fail));
        if (!batch.length) break;
        for (const child of batch) await walk(child);
      }
    }
  };
  for (const e of entries) await walk(e);
  return files;
}

export function quotaMeter(me) {
  if (!me) return nothing;
  const used = me.used_bytes || 0;
  const quota = me.quota_bytes || 0;
  const pct = quota ? Math.min(100, (used / quota) * 100) : 0;
  return html`<div class="quota" title="Storage used">
    <meter id="quota-meter" min="0" max=${quota || 1} value=${used} high=${quota * 0.9}
           aria-label="Storage used"></meter>
    <span class="quota-text">${formatBytes(used)} of ${quota ? formatBytes(quota) : '∞'}
      <span class="pct">(${pct.toFixed(pct < 10 ? 1 : 0)} %)</span>
      <span class="photo-count">· ${me.photo_count ?? 0} photos</span></span>
  </div>`;
}

export function uploadView(app, uploads) {
  const s = uploads.summary();
  const pick = (e) => {
    uploads.add([...e.target.files]);
    e.target.value = '';
  };
  return html`<section class="page upload-page">
    <h1>Upload</h1>
    ${quotaMeter(uploads.me)}
    <div class="dropzone" id="dropzone">
      <p>Drop photos or folders anywhere on the page, or</p>
      <label class="button primary">Choose photos…
        <input id="file-input" type="file" multiple accept="image/*,.heic,.heif"
               @change=${pick} class="visually-hidden"></label>
      <label class="button">Choose a folder…
        <input type="file" webkitdirectory @change=${pick} class="visually-hidden"></label>
    </div>
    ${uploads.items.length ? html`<p class="upload-summary" role="status">
        ${s.imported} imported · ${s.duplicate} duplicates · ${s.refused} refused
        ${s.pending ? html` · ${s.pending} in progress` : nothing}</p>` : nothing}
    <ul class="upload-list">
      ${uploads.items.map((i) => html`<li class="upload-item ${i.state}" data-name=${i.name}
                                          data-id=${i.id || ''}>
        <span class="name">${i.name}</span>
        <progress max=${i.total || 1} value=${i.loaded}></progress>
        <span class="result">${i.state === 'sending' ? 'uploading…' :
                               i.state === 'waiting' ? (i.message || 'waiting') : i.message}</span>
      </li>`)}
    </ul>
  </section>`;
}
