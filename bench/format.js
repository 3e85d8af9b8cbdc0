// @ts-check
/**
 * Number formatting and small helpers shared by the bench's table and chart
 * writers (run.js for one Node, side-by-side.js for several).
 */
'use strict';

/** @param {number[]} xs */
function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** a figure in its unit: ns/op, bytes or req/s @param {number | null} v @param {string} unit */
function fmt(v, unit) {
  if (v === null) return '-';
  if (unit === 'bytes') return `${Math.round(v)} B`;
  if (unit === 'req/s') return v >= 1000 ? `${(v / 1000).toFixed(2)}k req/s` : `${v.toFixed(0)} req/s`;
  if (unit === 'ratio') return fmtRatio(v);
  if (v >= 1000) return `${(v / 1000).toFixed(2)} µs`;
  if (v >= 100) return `${v.toFixed(0)} ns`;
  if (v >= 10) return `${v.toFixed(1)} ns`;
  return `${v.toFixed(2)} ns`;
}

/** @param {number} r */
function fmtRatio(r) {
  return r >= 10 ? `${r.toFixed(0)}x` : r >= 0.1 ? `${r.toFixed(2)}x` : `${r.toFixed(3)}x`;
}

/** a short display name for a baseline in tables @param {string} name */
function shortName(name) {
  return name.replace(/^native\./, '').replace(/^js\./, '');
}

/** @param {string} s */
function esc(s) {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

module.exports = { median, fmt, fmtRatio, shortName, esc };
