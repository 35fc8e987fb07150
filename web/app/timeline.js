// The timeline: every photo, newest first, grouped by day, paged with the
// API's cursor as the user scrolls, and virtualised: rows have fixed heights,
// so the rows near the viewport are found by binary search over their
// offsets and only those are in the DOM, however large the library.
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {repeat} from '/app/vendor/lit-html@3.3.3/directives/repeat.js';
import {api, query, thumbUrl} from '/app/api.js';
import {dayKey, formatDay} from '/app/format.js';

const PAGE = 200;         // photos per request (the server's default cap)
const FIRST_PAGE = 60;    // the first request: a screenful, sooner
const HEADER_H = 44;      // a day's header row
const GAP = 4;            // between cells
const OVERSCAN = 800;     // px of rows kept above and below the viewport

export class Timeline {
  constructor(app, prefetched = null) {
    this.app = app;
    this.filter = {};
    this.scroller = null;
    this.resizeObserver = new ResizeObserver(() => this.relayout());
    this.reset({}, prefetched);
  }

  static firstPageRequest() {
    return api('GET', '/photos' + query({limit: FIRST_PAGE}), {quiet401: true});
  }

  // `prefetched`: the first page of the unfiltered timeline, asked for
  // while the session was being checked (main.js).
  reset(filter, prefetched = null) {
    this.filter = {...filter};
    this.prefetched = Object.keys(this.filter).length ? null : prefetched;
    this.photos = [];
    this.cursor = null;
    this.done = false;
    this.loading = null;
    this.error = null;
    this.generation = (this.generation || 0) + 1;
    this.rows = [];
    this.laid = null;
    this.total = 0;
    this.first = 0;
    this.last = -1;
    if (this.scroller) this.scroller.scrollTop = 0;
    this.loadMore();
  }

  filterKey() {
    return JSON.stringify(this.filter);
  }

  loadMore() {
    if (this.loading || this.done) return this.loading;
    const generation = this.generation;
    this.loading = (async () => {
      try {
        const first = !this.cursor && !this.photos.length;
        let page = first && this.prefetched ? await this.prefetched.catch(() => null) : null;
        this.prefetched = null;
        if (generation !== this.generation) return;
        if (!page) {
          page = await api('GET', '/photos' + query({...this.filter,
                                                      limit: first ? FIRST_PAGE : PAGE,
                                                      cursor: this.cursor}));
        }
        if (generation !== this.generation) return;
        this.photos.push(...page.photos);
        this.cursor = page.next_cursor;
        this.done = !page.next_cursor;
        this.error = null;
      } catch (e) {
        if (generation !== this.generation) return;
        this.error = e.message;
        this.done = true;
      } finally {
        if (generation === this.generation) {
          this.loading = null;
          this.relayout();
        }
      }
    })();
    return this.loading;
  }

  // Rows from the photos loaded so far, for the scroller's current width.
  // A new page only appends rows (O(page), not O(library)); a new width, a
  // removal or a reset lays everything out again.
  relayout() {
    const width = this.scroller ? this.scroller.clientWidth - 2 * GAP : 800;
    const target = width < 500 ? 96 : 160;
    const cols = Math.max(2, Math.floor((width + GAP) / (target + GAP)));
    const cell = Math.floor((width - GAP * (cols - 1)) / cols);
    const L = this.laid;
    if (!L || L.cols !== cols || L.cell !== cell || L.count > this.photos.length ||
        L.photos !== this.photos) {
      this.laid = {cols, cell, count: 0, y: 0, day: null, row: null, photos: this.photos};
      this.rows = [];
    }
    this.cols = cols;
    this.cell = cell;
    this.appendRows();
    // Unloaded photos below: room to scroll into, so that the next page
    // is fetched before the user reaches the end.
    this.total = this.laid.y + (this.done ? 0 : 2 * (cell + GAP));
    this.updateRange(true);
  }

  appendRows() {
    const L = this.laid;
    const rows = this.rows;
    const rowH = L.cell + GAP;
    for (let i = L.count; i < this.photos.length; i++) {
      const key = dayKey(this.photos[i]);
      if (key !== L.day) {
        L.day = key;
        rows.push({kind: 'day', key: 'd' + key, day: key, top: L.y, height: HEADER_H, headerTop: L.y});
        L.y += HEADER_H;
        L.row = null;
      }
      if (!L.row || L.row.items.length === L.cols) {
        L.row = {kind: 'photos', key: `r${i}`, day: key, top: L.y, height: rowH, items: [],
                 headerTop: rows[rows.length - 1].headerTop};
        rows.push(L.row);
        L.y += rowH;
      }
      L.row.items.push(i);
    }
    L.count = this.photos.length;
  }

  attach(scroller) {
    if (scroller === this.scroller) return;
    if (this.scroller) this.resizeObserver.unobserve(this.scroller);
    this.scroller = scroller;
    if (scroller) {
      this.resizeObserver.observe(scroller);
      this.relayout();
    }
  }

  onScroll() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.updateRange(false);
    });
  }

  // The first row whose bottom is below y.
  rowAt(y) {
    let lo = 0;
    let hi = this.rows.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      const r = this.rows[mid];
      if (r.top + r.height <= y) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  updateRange(force) {
    const top = this.scroller ? this.scroller.scrollTop : 0;
    const height = this.scroller ? this.scroller.clientHeight : 800;
    const first = this.rows.length ? this.rowAt(Math.max(0, top - OVERSCAN)) : 0;
    const last = this.rows.length ? this.rowAt(top + height + OVERSCAN) : -1;
    // The day at the top of the viewport, once its own header has scrolled
    // out of sight: the bar above the grid shows it in its place.
    const current = this.rows.length ? this.rows[this.rowAt(top)] : null;
    const currentDay = current && current.headerTop < top ? current.day : null;
    const nearEnd = !this.rows.length ||
        top + height + 2 * OVERSCAN >= this.rows[this.rows.length - 1].top;
    if (nearEnd && !this.done && !this.loading) this.loadMore();
    if (force || first !== this.first || last !== this.last || currentDay !== this.currentDay) {
      this.first = first;
      this.last = last;
      this.currentDay = currentDay;
      this.app.render();
    }
  }

  // Brings photo i into view (the viewer's left/right keys move through it).
  reveal(i) {
    const row = this.rows.find((r) => r.kind === 'photos' && r.items.includes(i));
    if (!row || !this.scroller) return;
    const s = this.scroller;
    if (row.top < s.scrollTop || row.top + row.height > s.scrollTop + s.clientHeight) {
      s.scrollTop = Math.max(0, row.top - HEADER_H);
    }
  }

  // Arrow keys and Home/End between thumbnails: focus moves by one photo or
  // one grid row (across day headers), the target row brought into view and
  // rendered first if it was not in the DOM.
  onKey(e) {
    const cell = e.target.closest && e.target.closest('.cell');
    if (!cell) return;
    const i = Number(cell.dataset.index);
    const deltas = {ArrowLeft: -1, ArrowRight: 1, ArrowUp: -this.cols, ArrowDown: this.cols};
    let j;
    if (e.key in deltas) j = i + deltas[e.key];
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = this.photos.length - 1;
    else return;
    e.preventDefault();
    j = Math.max(0, Math.min(this.photos.length - 1, j));
    if (j === i) return;
    this.reveal(j);
    this.updateRange(true);
    const focus = () => {
      const el = this.scroller && this.scroller.querySelector(`.cell[data-index="${j}"]`);
      if (el) el.focus({preventScroll: true});
    };
    requestAnimationFrame(() => requestAnimationFrame(focus));
  }

  remove(id) {
    const i = this.photos.findIndex((p) => p.id === id);
    if (i >= 0) this.photos.splice(i, 1);
    this.laid = null;
    this.relayout();
    return i;
  }

  replace(photo) {
    const i = this.photos.findIndex((p) => p.id === photo.id);
    if (i >= 0) this.photos[i] = photo;
  }
}

function rowTemplate(t, r, open) {
  const style = `transform:translateY(${r.top}px);height:${r.height}px`;
  if (r.kind === 'day') {
    return html`<h2 class="row day-header" style=${style}>${formatDay(r.day)}</h2>`;
  }
  return html`<div class="row photo-row"
      style="${style};grid-template-columns:repeat(${t.cols},${t.cell}px);grid-auto-rows:${t.cell}px">
    ${r.items.map((i) => {
      const p = t.photos[i];
      return html`<button class="cell" data-id=${p.id} data-index=${i}
          title=${p.filename} @click=${() => open(i)}>
        <img loading="lazy" decoding="async" alt=${p.filename} src=${thumbUrl(p.id)}
             width=${t.cell} height=${t.cell}>
      </button>`;
    })}
  </div>`;
}

// Jump to a year or month: the timeline from that month's last day down
// (the API's `to`), scrolling on into older photos. Months from /browse/dates.
function jumpMenu(app, t) {
  const tree = app.folders.trees.dates;
  if (!tree) {
    if (!app.folders.loadingDates) {
      app.folders.loadingDates = true;
      app.folders.load('dates', false).finally(() => (app.folders.loadingDates = false));
    }
    return nothing;
  }
  const years = (tree.folders || []).filter((y) => /^\d{4}$/.test(y.name)).reverse();
  if (!years.length) return nothing;
  const pick = (e) => {
    const v = e.target.value;
    if (!v) return app.go('#/timeline');
    const [y, m] = v.split('-').map(Number);
    const last = m ? new Date(y, m, 0).getDate() : 31;
    app.go(`#/timeline?to=${y}-${String(m || 12).padStart(2, '0')}-${last}`);
  };
  return html`<label class="jump">Jump to
    <select id="jump" @change=${pick}>
      <option value="">Newest</option>
      ${years.map((y) => html`<optgroup label=${y.name}>
        <option value=${y.name} ?selected=${t.filter.to === `${y.name}-12-31`}>${y.name} (${y.count})</option>
        ${(y.folders || []).slice().reverse().map((m) => html`<option value=${m.name}
            ?selected=${(t.filter.to || '').startsWith(m.name + '-') && t.filter.to !== `${y.name}-12-31`}>
          ${MONTHS[Number(m.name.slice(5)) - 1]} ${y.name} (${m.count})</option>`)}
      </optgroup>`)}
    </select></label>`;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August',
                'September', 'October', 'November', 'December'];

export function timelineView(app, t) {
  const rows = t.rows.slice(t.first, t.last + 1);
  const filterChips = Object.entries(t.filter);
  const empty = !t.photos.length && !t.loading && !t.error;
  return html`<section class="timeline" aria-label="Timeline">
    ${filterChips.length ? html`<div class="filter-bar">
        Showing ${filterChips.map(([k, v]) => html`<span class="chip">${k}: ${v}</span>`)}
        <button class="link" id="clear-filter" @click=${() => app.go('#/timeline')}>Show all</button>
      </div>` : nothing}
    <div class="timeline-bar">
      <span class="sticky-day" aria-hidden="true">${t.currentDay ? formatDay(t.currentDay) : ''}</span>
      ${jumpMenu(app, t)}
    </div>
    <div class="scroller" tabindex="-1" @scroll=${() => t.onScroll()}
         @keydown=${(e) => t.onKey(e)}>
      <div class="spacer" style="height:${t.total}px">
        ${repeat(rows, (r) => r.key, (r) => rowTemplate(t, r, (i) => app.openViewer(i)))}
      </div>
      ${empty ? html`<p class="empty">No photos${filterChips.length ? ' here' : ' yet'}.
          <a href="#/upload">Upload some</a>.</p>` : nothing}
      ${t.error ? html`<p class="error" role="alert">${t.error}</p>` : nothing}
      ${t.loading ? html`<p class="loading" aria-live="polite">Loading…</p>` : nothing}
    </div>
  </section>`;
}
