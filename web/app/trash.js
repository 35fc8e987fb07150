// The trash: what was deleted, most recently first; restore, purge one,
// empty it all.
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api, query, thumbUrl} from '/app/api.js';

export class Trash {
  constructor(app) {
    this.app = app;
    this.photos = [];
    this.cursor = null;
    this.loaded = false;
    this.error = '';
  }

  async load(more = false) {
    try {
      const page = await api('GET', '/trash' + query({limit: 200, cursor: more ? this.cursor : null}));
      this.photos = more ? this.photos.concat(page.photos) : page.photos;
      this.cursor = page.next_cursor;
      this.error = '';
    } catch (e) {
      this.error = e.message;
    }
    this.loaded = true;
    this.app.render();
  }

  async act(label, fn) {
    try {
      await fn();
      this.app.toast(label);
    } catch (e) {
      this.error = e.message;
    }
    this.app.photosChanged();
    this.app.refreshQuota();
    await this.load();
  }

  restore(p) {
    return this.act(`Restored ${p.filename}`, () => api('POST', `/photos/${p.id}/restore`));
  }

  purge(p) {
    if (!confirm(`Delete ${p.filename} for ever? This cannot be undone.`)) return;
    return this.act(`Deleted ${p.filename} for ever`, () => api('DELETE', `/trash/${p.id}`));
  }

  empty() {
    if (!confirm(`Delete all ${this.photos.length}${this.cursor ? '+' : ''} photos in the trash for ever?`)) return;
    return this.act('Trash emptied', () => api('DELETE', '/trash'));
  }
}

export function trashView(app, t) {
  return html`<section class="page trash-page">
    <div class="page-head">
      <h1>Trash</h1>
      <button class="danger" id="empty-trash" ?disabled=${!t.photos.length}
              @click=${() => t.empty()}>Empty trash</button>
    </div>
    ${t.error ? html`<p class="error" role="alert">${t.error}</p>` : nothing}
    ${t.loaded && !t.photos.length ? html`<p class="empty">The trash is empty.</p>` : nothing}
    <ul class="card-grid">
      ${t.photos.map((p) => html`<li class="card trash-item" data-id=${p.id}>
        <img loading="lazy" alt=${p.filename} src=${thumbUrl(p.id)}>
        <span class="name" title=${p.filename}>${p.filename}</span>
        <span class="meta">trashed ${(p.trashed_at || '').slice(0, 10)}</span>
        <span class="card-actions">
          <button class="restore" @click=${() => t.restore(p)}>Restore</button>
          <button class="danger purge" @click=${() => t.purge(p)}>Delete</button>
        </span>
      </li>`)}
    </ul>
    ${t.cursor ? html`<button @click=${() => t.load(true)}>More…</button>` : nothing}
  </section>`;
}
