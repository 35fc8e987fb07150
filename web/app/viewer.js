// The viewer: a large preview of one photo over the timeline, left/right to
// move, Escape to close, the EXIF panel, download, rename, delete.
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api, originalUrl, thumbUrl} from '/app/api.js';
import {cameraLabel, formatBytes, formatCoord, formatExposure, formatTakenAt,
        placeLabel} from '/app/format.js';

export class Viewer {
  constructor(app) {
    this.app = app;
    this.index = -1;
    this.photo = null;
    this.message = '';
    this.renaming = false;
    this.editing = false;  // the date and place form
    this.returnFocus = null;
  }

  get open() {
    return this.index >= 0;
  }

  show(i) {
    const t = this.app.timeline;
    if (i < 0 || i >= t.photos.length) return;
    if (!this.open) this.returnFocus = document.activeElement;
    this.index = i;
    this.photo = t.photos[i];
    this.message = '';
    this.renaming = false;
    this.editing = false;
    t.reveal(i);
    this.app.render();
    requestAnimationFrame(() => document.querySelector('.viewer .close')?.focus());
    // The list's record may be older than the photo (renamed elsewhere).
    const id = this.photo.id;
    api('GET', `/photos/${id}`).then((p) => {
      if (this.photo && this.photo.id === id) {
        this.photo = p;
        t.replace(p);
        this.app.render();
      }
    }).catch(() => {});
  }

  async step(delta) {
    const t = this.app.timeline;
    let i = this.index + delta;
    if (i >= t.photos.length && !t.done) {
      await t.loadMore();
    }
    if (i >= 0 && i < t.photos.length) this.show(i);
  }

  close() {
    this.index = -1;
    this.photo = null;
    this.app.render();
    const back = this.returnFocus;
    this.returnFocus = null;
    if (back && back.isConnected) back.focus();
  }

  onKey(e) {
    if (!this.open || this.renaming || this.editing) {
      if (this.open && e.key === 'Escape') {
        this.renaming = false;
        this.editing = false;
        this.app.render();
      }
      return;
    }
    if (e.key === 'ArrowLeft') this.step(-1);
    else if (e.key === 'ArrowRight') this.step(1);
    else if (e.key === 'Escape') this.close();
    else return;
    e.preventDefault();
  }

  async patch(body, done) {
    try {
      const p = await api('PATCH', `/photos/${this.photo.id}`, {json: body});
      this.photo = p;
      this.app.timeline.replace(p);
      this.renaming = false;
      this.editing = false;
      this.message = done;
      if (body.taken_at || 'place' in body) {
        // Its day and folders may have changed: regroup now, reload the
        // order and the folders' counts when next shown.
        this.app.timeline.laid = null;
        this.app.timeline.relayout();
        this.app.folders.trees = {};
        this.app.stale = true;
      }
    } catch (e) {
      this.message = e.message;
    }
    this.app.render();
  }

  rename(name) {
    return this.patch({filename: name}, 'Renamed');
  }

  async remove() {
    const id = this.photo.id;
    try {
      await api('DELETE', `/photos/${id}`);
    } catch (e) {
      this.message = e.message;
      this.app.render();
      return;
    }
    const t = this.app.timeline;
    const i = t.remove(id);
    this.app.toast('Moved to the trash');
    this.app.refreshQuota();
    if (t.photos.length === 0) return this.close();
    this.show(Math.min(i, t.photos.length - 1));
  }
}

function row(label, value) {
  if (value == null || value === '') return nothing;
  return html`<dt>${label}</dt><dd data-field=${label.toLowerCase()}>${value}</dd>`;
}

// Correcting what the camera got wrong: the local capture time (with its
// offset, optional) and the place (a country is required; empty: no place).
function editForm(app, v, p) {
  const submit = (e) => {
    e.preventDefault();
    const f = new FormData(e.target);
    const body = {};
    const when = String(f.get('taken_at') || '');
    if (when) {
      const full = when.length === 16 ? when + ':00' : when;
      body.taken_at = full + String(f.get('offset') || '').trim();
    }
    const country = String(f.get('country') || '').trim();
    const region = String(f.get('region') || '').trim();
    const city = String(f.get('city') || '').trim();
    if (country) {
      body.place = {country};
      if (region) body.place.region = region;
      if (city) body.place.city = city;
    } else if (p.place) {
      body.place = null;
    }
    v.patch(body, 'Saved');
  };
  const place = p.place || {};
  return html`<form class="edit-form" @submit=${submit}>
    <label>Taken (local time)
      <input type="datetime-local" step="1" name="taken_at"
             .value=${p.taken_at ? p.taken_at.slice(0, 19) : ''}></label>
    <label>UTC offset <input name="offset" placeholder="+02:00 or Z" size="7"
             .value=${p.taken_at_offset || ''}></label>
    <label>Country <input name="country" .value=${place.country || ''}
             placeholder="Italy or IT"></label>
    <label>Region <input name="region" .value=${place.region || ''}></label>
    <label>City <input name="city" .value=${place.city || ''}></label>
    <span class="form-actions">
      <button class="primary" type="submit">Save</button>
      <button type="button" @click=${() => { v.editing = false; app.render(); }}>Cancel</button>
    </span>
  </form>`;
}

export function viewerView(app, v) {
  if (!v.open || !v.photo) return nothing;
  const p = v.photo;
  const exif = p.exif || {};
  const gps = p.gps;
  const onSubmit = (e) => {
    e.preventDefault();
    const name = new FormData(e.target).get('filename').trim();
    if (name) v.rename(name);
  };
  return html`<div class="viewer" role="dialog" aria-modal="true" aria-label=${p.filename}>
    <div class="stage">
      <img class="preview" alt=${p.filename} src=${thumbUrl(p.id, 'preview')}>
      <button class="nav prev" aria-label="Previous photo" @click=${() => v.step(-1)}
              ?disabled=${v.index === 0}>‹</button>
      <button class="nav next" aria-label="Next photo" @click=${() => v.step(1)}>›</button>
    </div>
    <aside class="info">
      <div class="info-head">
        ${v.renaming ? html`<form class="rename" @submit=${onSubmit}>
            <input name="filename" aria-label="File name" .value=${p.filename} required autofocus>
            <button class="primary" type="submit">Save</button>
            <button type="button" @click=${() => { v.renaming = false; app.render(); }}>Cancel</button>
          </form>` : html`<h2 class="filename">${p.filename}</h2>`}
        <button class="close" aria-label="Close (Escape)" @click=${() => v.close()}>✕</button>
      </div>
      <dl class="exif">
        ${row('Camera', cameraLabel(p))}
        ${row('Lens', exif.lens)}
        ${row('Exposure', formatExposure(exif.exposure_time))}
        ${row('Aperture', exif.f_number != null ? `f/${+exif.f_number.toFixed(1)}` : null)}
        ${row('ISO', exif.iso)}
        ${row('Focal length', exif.focal_length_mm != null ? `${+exif.focal_length_mm.toFixed(2)} mm` : null)}
        ${row('Taken', formatTakenAt(p))}
        ${row('Place', placeLabel(p.place))}
        ${row('GPS', gps ? `${formatCoord(gps.lat, 'N', 'S')}, ${formatCoord(gps.lon, 'E', 'W')}` +
                         (gps.alt != null ? `, ${Math.round(gps.alt)} m` : '') : null)}
        ${row('Size', `${p.width} × ${p.height} · ${formatBytes(p.size)}`)}
        ${row('Type', p.mime)}
      </dl>
      <div class="actions">
        <a class="button" href=${originalUrl(p.id)} download=${p.filename}>Download original</a>
        <button @click=${() => { v.renaming = true; app.render(); }}>Rename</button>
        <button id="edit-photo" @click=${() => { v.editing = !v.editing; app.render(); }}>
          Date &amp; place…</button>
        <button class="danger" id="delete-photo" @click=${() => v.remove()}>Move to trash</button>
      </div>
      ${v.editing ? editForm(app, v, p) : nothing}
      ${v.message ? html`<p class="message" role="status">${v.message}</p>` : nothing}
    </aside>
  </div>`;
}
