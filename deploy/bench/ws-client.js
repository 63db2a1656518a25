// WebSocket echo round trips for proxy-bench.sh:
//   node ws-client.js URL CONNECTIONS SECONDS [COOKIE]
// Opens CONNECTIONS sockets, then each one sends a small text message, waits for its echo and sends the next
// (ping-pong, one message in flight per socket) for SECONDS. Prints one line:
//   RESULT rate=<msgs/s> p99_us=<round trip> errors=<n> seconds=<s> msgs=<echoes received>
// errors: sockets that failed or closed early, and echoes that did not match. Exits 1 (with the reason on stderr)
// when not every socket could be opened, e.g. "Unexpected server response: 502".
'use strict';
const WebSocket = require('ws');

const [url, connArg = '16', secArg = '10', cookie] = process.argv.slice(2);
if (!url) {
  console.error('usage: node ws-client.js URL CONNECTIONS SECONDS [COOKIE]');
  process.exit(2);
}
const connections = Number(connArg);
const seconds = Number(secArg);
const MESSAGE = 'berth-bench-ping-0123456789abcdef'; // 32 bytes of text
const headers = cookie ? { Cookie: cookie } : {};

let received = 0;
let errors = 0;
let running = false;
let rtts = new Float64Array(1 << 20);
let rttCount = 0;

function record(us) {
  if (rttCount === rtts.length) {
    const bigger = new Float64Array(rtts.length * 2);
    bigger.set(rtts);
    rtts = bigger;
  }
  rtts[rttCount++] = us;
}

function open() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers, handshakeTimeout: 5000, perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function pingPong(ws) {
  let sentAt = 0n;
  const send = () => {
    sentAt = process.hrtime.bigint();
    ws.send(MESSAGE);
  };
  ws.on('message', (data, isBinary) => {
    if (!running) {
      return;
    }
    if (isBinary || data.toString() !== MESSAGE) {
      errors++;
    }
    received++;
    record(Number(process.hrtime.bigint() - sentAt) / 1000);
    send();
  });
  ws.on('error', () => { if (running) errors++; });
  ws.on('close', () => { if (running) errors++; });
  send();
}

async function main() {
  let sockets;
  try {
    sockets = await Promise.all(Array.from({ length: connections }, open));
  } catch (e) {
    console.error(`could not open ${url}: ${e.message}`);
    process.exit(1);
  }
  running = true;
  const began = process.hrtime.bigint();
  sockets.forEach(pingPong);
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = Number(process.hrtime.bigint() - began) / 1e9;
  sockets.forEach((ws) => ws.terminate());
  const sorted = rtts.subarray(0, rttCount).sort();
  const p99 = rttCount ? sorted[Math.min(rttCount - 1, Math.floor(rttCount * 0.99))] : 0;
  console.log(`RESULT rate=${(received / elapsed).toFixed(1)} p99_us=${Math.round(p99)} errors=${errors} ` +
    `seconds=${elapsed.toFixed(3)} msgs=${received}`);
  process.exit(0);
}

main();
