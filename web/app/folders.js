// Folders: the mount's by-date, by-camera and by-place trees with counts,
// from /browse/*. Choosing one shows its photos in the timeline, filtered
// with the same parameters as GET /photos.
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api, query} from '/app/api.js';
import {formatDay} from '/app/format.js';

const VIEWS = [['dates', 'By date'], ['cameras', 'By camera'], ['places', 'By place']];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December'];

export class Folders {
  constructor(app) {
    this.app = app;
    this.view = 'dates';
    this.trees = {};
    this.error = '';
  }

  // `show`: make it the view on screen (the timeline's jump menu loads the
  // dates without changing the tab).
  async load(view = this.view, show = true) {
    if (show) this.view = view;
    try {
      this.trees[view] = await api('GET', `/browse/${view}`);
      this.error = '';
    } catch (e) {
      this.error = e.message;
    }
    this.app.render();
  }
}

function lastDay(y, m) {
  return new Date(y, m, 0).getDate();
}

// The timeline filter for a folder at `path` (names from the root down).
export function filterFor(view, path) {
  if (view === 'dates') {
    const leaf = path[path.length - 1];
    if (/^\d{4}$/.test(leaf)) return {from: `${leaf}-01-01`, to: `${leaf}-12-31`};
    if (/^\d{4}-\d{2}$/.test(leaf)) {
      const [y, m] = leaf.split('-').map(Number);
      return {from: `${leaf}-01`, to: `${leaf}-${String(lastDay(y, m)).padStart(2, '0')}`};
    }
    if (/^\d{4}-\d{2}-\d{2}$/.test(leaf)) return {from: leaf, to: leaf};
    return null;  // "unknown": no date to filter on
  }
  if (view === 'cameras') return {camera: path[0]};
  const [country, region, city] = path;
  const f = {country};
  if (region) f.region = region;
  if (city) f.city = city;
  return f;
}

function label(view, name) {
  if (view !== 'dates') return name;
  if (/^\d{4}-\d{2}$/.test(name)) return `${MONTHS[Number(name.slice(5)) - 1]} ${name.slice(0, 4)}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(name)) return formatDay(name);
  if (name === 'unknown') return 'Date unknown';
  return name;
}

function node(app, view, folder, path) {
  const here = [...path, folder.name];
  const filter = filterFor(view, here);
  const href = filter ? '#/timeline' + query(filter) : null;
  const children = folder.folders || [];
  const link = html`${href ? html`<a class="folder-link" href=${href}>${label(view, folder.name)}</a>`
                           : html`<span>${label(view, folder.name)}</span>`}
      <span class="count">${folder.count}</span>`;
  if (!children.length) return html`<li class="folder">${link}</li>`;
  return html`<li class="folder"><details ?open=${path.length === 0}>
      <summary>${link}</summary>
      <ul>${children.map((c) => node(app, view, c, here))}</ul>
    </details></li>`;
}

export function foldersView(app, f) {
  const tree = f.trees[f.view];
  return html`<section class="page folders-page">
    <h1>Folders</h1>
    <div class="tabs" role="tablist">
      ${VIEWS.map(([v, text]) => html`<a role="tab" aria-selected=${v === f.view}
          class=${v === f.view ? 'tab active' : 'tab'} href="#/folders/${v}">${text}</a>`)}
    </div>
    ${f.error ? html`<p class="error" role="alert">${f.error}</p>` : nothing}
    ${tree ? html`<p class="total">${tree.count} photos</p>
      <ul class="folder-tree">${(tree.folders || []).map((c) => node(app, f.view, c, []))}</ul>
      ${!(tree.folders || []).length ? html`<p class="empty">No folders yet.</p>` : nothing}`
      : html`<p class="loading">Loading…</p>`}
  </section>`;
}
