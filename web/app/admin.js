// Administration, for administrators: every account with its usage, its
// quota (editable) and whether it is disabled. Accounts are created with
// `octopus user add` (the API makes none, by design).
import {html, nothing} from '/app/vendor/lit-html@3.3.3/lit-html.js';
import {api} from '/app/api.js';
import {formatBytes} from '/app/format.js';

export class Admin {
  constructor(app) {
    this.app = app;
    this.users = null;
    this.message = '';
  }

  async load() {
    try {
      this.users = (await api('GET', '/admin/users')).users;
    } catch (e) {
      this.message = e.message;
    }
    this.app.render();
  }

  async patch(name, body, done) {
    try {
      await api('PATCH', `/admin/users/${encodeURIComponent(name)}`, {json: body});
      this.message = done;
    } catch (e) {
      this.message = e.message;
    }
    await this.load();
  }
}

export function adminView(app, a) {
  const setQuota = (u) => (e) => {
    e.preventDefault();
    const quota = new FormData(e.target).get('quota').trim();
    if (quota) a.patch(u.username, {quota}, `Quota of ${u.username} set to ${quota}`);
  };
  return html`<section class="page admin-page">
    <h1>Users</h1>
    <p class="hint">New accounts are made on the server: <code>octopus user add NAME</code>.</p>
    ${a.message ? html`<p class="message" role="status">${a.message}</p>` : nothing}
    ${a.users ? html`<div class="table-wrap"><table>
      <thead><tr><th>User</th><th>Photos</th><th>Used</th><th>Quota</th><th>State</th></tr></thead>
      <tbody>${a.users.map((u) => html`<tr data-user=${u.username}>
        <td>${u.username}${u.is_admin ? html` <span class="chip">admin</span>` : nothing}</td>
        <td>${u.photo_count}</td>
        <td>${formatBytes(u.used_bytes)}</td>
        <td><form class="inline" @submit=${setQuota(u)}>
          <input name="quota" size="6" aria-label="Quota of ${u.username}"
                 placeholder=${formatBytes(u.quota_bytes)}>
          <button type="submit">Set</button></form></td>
        <td><button class=${u.disabled ? '' : 'danger'}
              @click=${() => a.patch(u.username, {disabled: !u.disabled},
                                     `${u.username} ${u.disabled ? 'enabled' : 'disabled'}`)}>
          ${u.disabled ? 'Enable' : 'Disable'}</button></td>
      </tr>`)}</tbody></table></div>` : html`<p class="loading">Loading…</p>`}
  </section>`;
}
