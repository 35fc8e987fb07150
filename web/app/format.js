// Display helpers: sizes, dates, EXIF values.
export function formatBytes(n) {
  if (n == null) return '?';
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)} ${units[i]}`;
}

// "2024-07-14" -> "Sunday 14 July 2024" in the browser's language.
export function formatDay(key) {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(key)) return 'Date unknown';
  const [y, m, d] = key.split('-').map(Number);
  return new Date(y, m - 1, d).toLocaleDateString(undefined, {
    weekday: 'long', year: 'numeric', month: 'long', day: 'numeric'});
}

// The day a photo is listed under: its local capture date, or none when the
// date is only an estimate (as the mount's by-date/unknown).
export function dayKey(photo) {
  if (!photo.taken_at || photo.taken_at_estimated) return 'unknown';
  return photo.taken_at.slice(0, 10);
}

export function formatTakenAt(p) {
  if (!p.taken_at) return 'unknown';
  let s = p.taken_at.replace('T', ' ').replace(/Z$/, '');
  if (p.taken_at_offset) s += ` (UTC${p.taken_at_offset})`;
  if (p.taken_at_estimated) s += ' — estimated';
  return s;
}

export function formatExposure(t) {
  if (t == null) return null;
  if (t >= 1) return `${+t.toFixed(1)} s`;
  return `1/${Math.round(1 / t)} s`;
}

export function formatCoord(value, pos, neg) {
  return `${Math.abs(value).toFixed(5)}° ${value >= 0 ? pos : neg}`;
}

export function cameraLabel(p) {
  const make = (p.camera && p.camera.make) || '';
  const model = (p.camera && p.camera.model) || '';
  if (!make && !model) return null;
  if (model.toLowerCase().startsWith(make.toLowerCase())) return model;
  return `${make} ${model}`.trim();
}

export function placeLabel(place) {
  if (!place) return null;
  return [place.city, place.region, place.country].filter(Boolean).join(', ');
}
