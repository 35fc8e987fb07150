# Sourced by the scale benchmarks: a library of N synthetic photos, made in
# seconds where importing N real photos would take hours.
#
# synthetic_photos DB OWNER FIRST COUNT
#   Inserts COUNT photo rows (numbered FIRST..FIRST+COUNT-1) for user id
#   OWNER straight into the SQLite database DB: names repeating every 10,000
#   photos (so all/ has "IMG_0001 (2).JPG" names), capture dates over eight
#   years, twelve cameras, a place for every photo (20 countries, 100 regions,
#   1,000 cities). The originals do not exist: benches list, stat, rename and
#   delete, they never open a synthetic photo. The schema's triggers fill the
#   text index.
# synthetic_done DB
#   What the rows need that SQL alone does not give them: each user's usage
#   and the folder counts (core/store/folder_counts.h), recomputed from the
#   rows with the grouping of core/grouping.cc for this data (no estimated
#   dates; labels and place names that are safe file names already).
synthetic_photos() {
  local db="$1" owner="$2" first="$3" count="$4"
  sqlite3 "$db" <<SQL
PRAGMA journal_mode = WAL;
BEGIN;
WITH RECURSIVE seq(i) AS (SELECT $first UNION ALL SELECT i + 1 FROM seq WHERE i + 1 < $first + $count),
cams(k, make, model) AS (VALUES (0, 'Canon', 'EOS 5D Mark IV'), (1, 'Nikon', 'D750'),
  (2, 'Apple', 'iPhone 12'), (3, 'Apple', 'iPhone 8'), (4, 'Sony', 'ILCE-7M3'),
  (5, 'Fujifilm', 'X-T3'), (6, 'Samsung', 'SM-G991B'), (7, 'Google', 'Pixel 6'),
  (8, 'Olympus', 'E-M10'), (9, 'Panasonic', 'DMC-GX80'), (10, 'Canon', 'EOS 80D'),
  (11, '', ''))
INSERT INTO photos (id, owner, filename, size, sha256, mime, width, height, orientation,
  taken_at, taken_at_offset, taken_at_estimated, camera_make, camera_model, camera_label, lens,
  place_country, place_country_code, place_region, place_city, imported_at)
SELECT lower(hex(randomblob(16))), $owner, printf('IMG_%04d.JPG', i % 10000),
  2000000 + (i * 7919) % 4000000, printf('%064x', i), 'image/jpeg', 4000, 3000, 1,
  strftime('%Y-%m-%dT%H:%M:%S', 1451606400 + (i * 2531) % 252288000, 'unixepoch'),
  CASE WHEN i % 3 = 0 THEN '+02:00' END, 0, make, model,
  CASE WHEN make = '' THEN 'Unknown camera' ELSE make || ' ' || model END, '',
  printf('Country %d', i % 20), printf('C%d', i % 20), printf('Region %d', i % 100),
  printf('City %d', i % 1000),
  strftime('%Y-%m-%dT%H:%M:%S', 1700000000 + i, 'unixepoch') || '.000Z'
FROM seq JOIN cams ON cams.k = seq.i % 12;
COMMIT;
SQL
}

synthetic_done() {
  sqlite3 "$1" <<'SQL'
BEGIN;
UPDATE users SET photo_count = (SELECT COUNT(*) FROM photos WHERE owner = users.id),
  used_bytes = (SELECT COALESCE(SUM(size), 0) FROM photos WHERE owner = users.id);
DELETE FROM folders;
INSERT INTO folders (owner, view, path, count)
  SELECT owner, 0, CASE WHEN taken_at_estimated THEN 'unknown' ELSE substr(taken_at, 1, 4) ||
    '/' || substr(taken_at, 1, 7) || '/' || substr(taken_at, 1, 10) END, COUNT(*)
  FROM photos GROUP BY 1, 3;
INSERT INTO folders (owner, view, path, count)
  SELECT owner, 1, camera_label, COUNT(*) FROM photos GROUP BY 1, 3;
INSERT INTO folders (owner, view, path, count)
  SELECT owner, 2, place_country || CASE WHEN place_region != '' THEN '/' || place_region ELSE '' END ||
    CASE WHEN place_city != '' THEN '/' || place_city ELSE '' END, COUNT(*)
  FROM photos WHERE place_country IS NOT NULL GROUP BY 1, 3;
COMMIT;
SQL
}
