-- wrk's summary as one machine-readable line (defines only done(), so wrk's per-request path stays in C):
--   RESULT rate=<req/s> p99_us=<µs> errors=<n> seconds=<s> requests=<n> bytes=<n>
-- errors: answers >= 400 (wrk's "non-2xx or 3xx") + socket errors (connect, read, write, timeout);
-- proxy-bench.sh rules out 3xx with curl checks before and after measuring.
done = function(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format("RESULT rate=%.1f p99_us=%d errors=%d seconds=%.3f requests=%d bytes=%d\n",
    summary.requests / seconds, latency:percentile(99), e.status + e.connect + e.read + e.write + e.timeout,
    seconds, summary.requests, summary.bytes))
end
