// The table of proxy-bench.sh, from its results file:
//   node report.js RESULTS.tsv "direct berth chp nginx"
// Each line of RESULTS.tsv is one measurement, tab-separated:
//   kind target case conns rep rate p99_us errors proxy_cpu backend_cpu      (kind: http | ws)
//   kind target case conns rep FAIL reason
// Per case and target: the median rate and median p99 over the repetitions, the min–max of the rate, the sum of
// errors, the median CPU (in % of one core) of the proxy and of the backend, the proxy's CPU time per request
// (the backend's for direct), and the ratio of the median rate to direct's median rate for the same case.
'use strict';
const fs = require('fs');

const [file, targetList = 'direct berth chp nginx'] = process.argv.slice(2);
const targets = targetList.split(/\s+/).filter(Boolean);
const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pad = (s, n) => String(s).padEnd(n);
const lpad = (s, n) => String(s).padStart(n);

const groups = new Map(); // "kind|case|conns" -> Map(target -> rows)
for (const r of rows) {
  const key = `${r[0]}|${r[2]}|${r[3]}`;
  if (!groups.has(key)) groups.set(key, new Map());
  const byTarget = groups.get(key);
  if (!byTarget.has(r[1])) byTarget.set(r[1], []);
  byTarget.get(r[1]).push(r);
}

function summarize(list) {
  const ok = list.filter((r) => r[5] !== 'FAIL');
  const failed = list.filter((r) => r[5] === 'FAIL');
  if (!ok.length) {
    return { failed: failed.map((r) => r[6]).filter((v, i, a) => a.indexOf(v) === i).join('; ') };
  }
  const rates = ok.map((r) => Number(r[5]));
  return {
    rate: median(rates),
    min: Math.min(...rates),
    max: Math.max(...rates),
    p99: median(ok.map((r) => Number(r[6]))) / 1000,
    errors: ok.reduce((a, r) => a + Number(r[7]), 0),
    proxyCpu: median(ok.map((r) => Number(r[8]))),
    backendCpu: median(ok.map((r) => Number(r[9]))),
    reps: `${ok.length}/${list.length}`,
  };
}

function table(kind, title, unit) {
  const keys = [...groups.keys()].filter((k) => k.startsWith(kind + '|'));
  if (!keys.length) return;
  console.log(`\n${title}`);
  console.log(pad('case', 6) + pad('conns', 6) + pad('target', 8) + lpad(unit, 10) + lpad('ratio', 7)
    + lpad('min–max', 17) + lpad('p99 ms', 9) + lpad('errors', 8) + lpad('cpu µs/req', 11) + lpad('proxy%', 8)
    + lpad('backend%', 9)
    + lpad('reps', 6));
  for (const key of keys) {
    const [, name, conns] = key.split('|');
    const byTarget = groups.get(key);
    const direct = byTarget.has('direct') ? summarize(byTarget.get('direct')) : null;
    for (const target of targets) {
      if (!byTarget.has(target)) continue;
      const s = summarize(byTarget.get(target));
      const head = pad(name, 6) + pad(conns, 6) + pad(target, 8);
      if (s.failed !== undefined) {
        console.log(head + lpad('failed', 10) + lpad('n/a', 7) + '  ' + s.failed);
        continue;
      }
      const ratio = direct && direct.rate ? (s.rate / direct.rate).toFixed(2) : 'n/a';
      console.log(head + lpad(fmt(s.rate), 10) + lpad(ratio, 7) + lpad(`${fmt(s.min)}–${fmt(s.max)}`, 17)
        + lpad(s.p99.toFixed(2), 9) + lpad(s.errors, 8)
        + lpad(((target === 'direct' ? s.backendCpu : s.proxyCpu) * 1e4 / s.rate).toFixed(0), 11)
        + lpad(target === 'direct' ? '-' : s.proxyCpu.toFixed(0), 8) + lpad(s.backendCpu.toFixed(0), 9)
        + lpad(s.reps, 6));
    }
  }
}

table('http', 'HTTP GET with wrk (req/s; ratio = req/s ÷ direct\'s for the same case)', 'req/s');
table('ws', 'WebSocket echo ping-pong (msgs/s = round trips per second; ratio to direct)', 'msgs/s');
