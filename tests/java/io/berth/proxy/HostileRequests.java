package io.berth.proxy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The hostile requests of {@link ProxyAttackTest}, written as raw HTTP so that no client library repairs them. Each
 * aims at alice's service {@code /user/alice/lab/web/} from a caller who must not reach it. Placeholders, filled in
 * per run and per caller: {@code {host}} Berth's host:port, {@code {port}} its port, {@code {backend}} the port
 * Berth forwards alice's service to, {@code {cookie}} the caller's {@code Cookie} line (empty for an anonymous
 * caller), {@code {session}} the caller's session value (a well-formed unknown one for an anonymous caller),
 * {@code {alice}} alice's own session value (stolen, and offered in the wrong place).
 */
final class HostileRequests {
    static final String ALICE = "/user/alice/lab/web/";
    private static final String HIDDEN = "GET " + ALICE + " HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n";
    private static final String WEBSOCKET = "Upgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n";

    private HostileRequests() { }

    /**
     * One request. {@code alsoAllowed}: statuses beyond the refusals every attack may get (400, 401, 403, 404, 405,
     * 414, 431, a 302 to the login page), each for a stated reason where the case is built.
     */
    record Attack(String name, String raw, Set<Integer> alsoAllowed) {
        Attack allowing(Integer... statuses) {
            return new Attack(name, raw, Set.copyOf(Arrays.asList(statuses)));
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static List<Attack> all() {
        List<Attack> all = new ArrayList<>();
        all.addAll(paths());
        all.addAll(headers());
        all.addAll(credentials());
        all.addAll(smuggling());
        return all;
    }

    /** Path tricks: every one would name alice's service after some decoding or normalisation. */
    private static List<Attack> paths() {
        return List.of(
                get("alice's service, asked for plainly", ALICE),
                get("alice's service without its final slash", "/user/alice/lab/web"),
                get("dot-dot out of bob's prefix", "/user/bob/../alice/lab/web/"),
                get("dot-dot twice from an unknown prefix", "/user/x/../../user/alice/lab/web/"),
                get("dot-dot out of bob's service", "/user/bob/x/web/../../../alice/lab/web/"),
                get("dot segment before the prefix", "/./user/alice/lab/web/"),
                get("encoded dot-dot %2e%2e", "/user/bob/%2e%2e/alice/lab/web/"),
                get("encoded dot-dot %2E%2e", "/user/bob/%2E%2e/alice/lab/web/"),
                get("half-encoded dot-dot .%2e", "/user/bob/.%2e/alice/lab/web/"),
                get("encoded slash %2f inside a segment", "/user/alice%2flab%2fweb/"),
                get("encoded slash %2F after the prefix", "/user%2Falice/lab/web/"),
                get("encoded slashes and dots out of bob's service", "/user/bob/x/web%2f..%2f..%2f..%2falice%2flab%2fweb/"),
                get("double-encoded slash %252f", "/user/alice%252flab%252fweb/"),
                get("double-encoded dot-dot %252e%252e", "/user/bob/%252e%252e/alice/lab/web/"),
                get("leading double slash", "//user/alice/lab/web/"),
                get("double slash after the prefix", "/user//alice/lab/web/"),
                get("jsessionid path parameter on the owner", "/user/alice;jsessionid=x/lab/web/"),
                get("path parameter on the owner", "/user/alice;x=y/lab/web/"),
                get("path parameter on the prefix", "/user;x=y/alice/lab/web/"),
                get("path parameter on the stack", "/user/alice/lab;x=y/web/"),
                get("path parameter on the service", "/user/alice/lab/web;x=y/"),
                get("jsessionid path parameter after the service", "/user/alice/lab/web/;jsessionid=x"),
                get("dot-dot with a path parameter ..;", "/user/bob/..;/alice/lab/web/"),
                get("raw backslashes", "/user\\alice\\lab\\web\\"),
                get("raw backslash dot-dot", "/user/bob/..\\alice/lab/web/"),
                get("encoded backslash %5c", "/user/alice%5clab%5cweb/"),
                get("encoded backslash dot-dot", "/user/bob/..%5calice/lab/web/"),
                get("upper-case prefix /USER", "/USER/alice/lab/web/"),
                get("upper-case owner ALICE", "/user/ALICE/lab/web/"),
                get("capitalised owner Alice", "/user/Alice/lab/web/"),
                get("upper-case stack and service", "/user/alice/LAB/WEB/"),
                get("overlong UTF-8 dots %c0%ae", "/user/bob/%c0%ae%c0%ae/alice/lab/web/"),
                get("overlong UTF-8 slash %c0%af", "/user/bob/..%c0%afalice/lab/web/"),
                get("one-dot leaders %e2%80%a4", "/user/bob/%e2%80%a4%e2%80%a4/alice/lab/web/"),
                get("fullwidth full stops %ef%bc%8e", "/user/bob/%ef%bc%8e%ef%bc%8e/alice/lab/web/"),
                get("raw fullwidth full stops", "/user/bob/\uff0e\uff0e/alice/lab/web/"),
                get("a 100 KB path", ALICE + "a".repeat(100_000)),
                get("encoded NUL in the owner", "/user/alice%00/lab/web/"),
                get("encoded NUL before dot-dot", "/user/bob%00/../alice/lab/web/"),
                get("raw NUL byte", ALICE + "\u0000"),
                get("raw control character", "/user/alice\u0001/lab/web/"),
                get("raw tab", "/user/alice\t/lab/web/"),
                get("absolute-form target on Berth", "http://{host}" + ALICE),
                get("absolute-form target naming another host", "http://evil.example" + ALICE),
                get("absolute-form target naming the backend (forward proxying)", "http://127.0.0.1:{backend}" + ALICE),
                get("fragment in the target", ALICE + "#x"),
                get("fragment hiding a dot-dot", "/user/bob/x/web/#/../../../alice/lab/web/"),
                get("alice's path in the query", "/user/bob/x/web/?/user/alice/lab/web/"),
                get("dot-dot in the query", "/user/bob/x/web/?x=/../../../alice/lab/web/"),
                get("encoded question mark before dot-dot", "/user/bob%3f/../alice/lab/web/"));
    }

    /** Host, forwarding and rewriting headers, other methods, other protocol versions, upgrades. */
    private static List<Attack> headers() {
        return List.of(
                raw("Host: evil", "GET " + ALICE + " HTTP/1.1\r\nHost: evil\r\n{cookie}Connection: close\r\n\r\n"),
                raw("Host naming the backend", "GET " + ALICE + " HTTP/1.1\r\nHost: 127.0.0.1:{backend}\r\n{cookie}"
                        + "Connection: close\r\n\r\n"),
                raw("no Host header on HTTP/1.1", "GET " + ALICE + " HTTP/1.1\r\n{cookie}Connection: close\r\n\r\n"),
                raw("two Host headers", "GET " + ALICE + " HTTP/1.1\r\nHost: {host}\r\nHost: evil\r\n{cookie}"
                        + "Connection: close\r\n\r\n"),
                raw("HTTP/1.0 without Host", "GET " + ALICE + " HTTP/1.0\r\n{cookie}\r\n"),
                // 505 HTTP Version Not Supported: the status that names the refusal exactly
                raw("HTTP/0.9 request line", "GET " + ALICE + "\r\n\r\n").allowing(505),
                raw("lower-case method", "get " + ALICE + " HTTP/1.1\r\nHost: {host}\r\n{cookie}Connection: close\r\n\r\n"),
                raw("Host of alice's service as if host-routed",
                        "GET / HTTP/1.1\r\nHost: web--lab--alice.localhost:{port}\r\n{cookie}Connection: close\r\n\r\n"),
                get("X-Forwarded-Host naming alice's service host", "/", "X-Forwarded-Host: web--lab--alice.localhost"),
                get("X-Forwarded-Prefix pointing at alice", "/user/bob/x/web/", "X-Forwarded-Prefix: /user/alice/lab/web"),
                get("X-Original-URL on bob's path", "/user/bob/x/web/", "X-Original-URL: " + ALICE),
                get("X-Rewrite-URL on bob's path", "/user/bob/x/web/", "X-Rewrite-URL: " + ALICE),
                // a portal page answers 200 to bob (his dashboard); what matters is that it is not alice's service
                get("X-Original-URL on a portal page", "/dashboard", "X-Original-URL: " + ALICE).allowing(200),
                get("X-Rewrite-URL on a portal page", "/dashboard", "X-Rewrite-URL: " + ALICE).allowing(200),
                method("OPTIONS"),
                method("TRACE"),
                method("DELETE"),
                method("PROPFIND"),
                // CONNECT is not a method Berth implements: 501 says exactly that
                raw("CONNECT to the backend", "CONNECT 127.0.0.1:{backend} HTTP/1.1\r\nHost: 127.0.0.1:{backend}\r\n"
                        + "{cookie}Connection: close\r\n\r\n").allowing(501),
                raw("CONNECT with alice's path", "CONNECT " + ALICE + " HTTP/1.1\r\nHost: {host}\r\n{cookie}"
                        + "Connection: close\r\n\r\n").allowing(501),
                get("a 64 KB header", ALICE, "X-Padding: " + "a".repeat(64 * 1024)),
                get("WebSocket upgrade", ALICE + "ws", WEBSOCKET + "Origin: http://{host}"),
                get("WebSocket upgrade without Origin", ALICE + "ws", WEBSOCKET),
                get("h2c upgrade", ALICE, "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\nConnection: Upgrade, HTTP2-Settings"),
                get("browser asking for alice's page", ALICE, "Accept: text/html"));
    }

    /** Credentials in the wrong place, forged, doubled, or stolen from alice and offered as something else. */
    private static List<Attack> credentials() {
        String forged = "berth_session=" + "A".repeat(43);
        return List.of(
                get("a forged session cookie beside the caller's", ALICE, "Cookie: " + forged),
                cookies("the caller's session then a forged one", "berth_session={session}; " + forged),
                cookies("a forged session then the caller's", forged + "; berth_session={session}"),
                cookies("session cookie name in another case", "Berth_Session={session}"),
                cookies("session cookie with a __Host- prefix", "__Host-berth_session={session}"),
                get("alice's session as a bearer token", ALICE, "Authorization: Bearer {alice}"),
                get("alice's session as a Berth-prefixed bearer token", ALICE, "Authorization: Bearer berth_{alice}"),
                get("a forged API token", ALICE, "Authorization: Bearer berth_" + "D".repeat(43)),
                get("alice's session as the service-host cookie", ALICE, "Cookie: berth_host={alice}"),
                raw("alice's session as the host cookie on a service host",
                        "GET / HTTP/1.1\r\nHost: web--lab--alice.localhost:{port}\r\n{cookie}Cookie: berth_host={alice}\r\n"
                                + "Connection: close\r\n\r\n"));
    }

    /** Framing the front and a backend could read differently, each hiding a request for alice's service. */
    private static List<Attack> smuggling() {
        String chunked = "0\r\n\r\n" + HIDDEN;
        String inChunk = Integer.toHexString(HIDDEN.length()) + "\r\n" + HIDDEN + "\r\n0\r\n\r\n";
        String cl = "Content-Length: " + chunked.length() + "\r\n";
        return List.of(
                // answers /healthz (200), then the hidden request on its own, which is refused
                raw("pipelined behind a harmless request", "GET /healthz HTTP/1.1\r\nHost: {host}\r\n\r\n" + HIDDEN)
                        .allowing(200),
                smuggle("Content-Length then chunked", cl + "Transfer-Encoding: chunked\r\n", chunked),
                smuggle("chunked then a short Content-Length", "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", inChunk),
                smuggle("two different Content-Lengths", "Content-Length: 0\r\nContent-Length: " + HIDDEN.length() + "\r\n", HIDDEN),
                smuggle("a Content-Length list", "Content-Length: 0, " + HIDDEN.length() + "\r\n", HIDDEN),
                smuggle("chunked, identity", "Transfer-Encoding: chunked, identity\r\n", chunked),
                smuggle("two Transfer-Encoding headers", "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n", chunked),
                // an unknown transfer coding: 501 Not Implemented is the status RFC 9112 names for it
                smuggle("xchunked", "Transfer-Encoding: xchunked\r\n" + cl, chunked).allowing(501),
                raw("smuggling: whitespace before the first header", "POST /healthz HTTP/1.1\r\n Transfer-Encoding: chunked"
                        + "\r\nHost: {host}\r\n{cookie}" + cl + "\r\n" + chunked),
                smuggle("obs-fold into Transfer-Encoding", "X-Fold: y\r\n Transfer-Encoding: chunked\r\n" + cl, chunked),
                smuggle("space before the colon", "Transfer-Encoding : chunked\r\n" + cl, chunked),
                smuggle("a chunk size that overflows", "Transfer-Encoding: chunked\r\n",
                        "10000000000000001\r\nx\r\n0\r\n\r\n" + HIDDEN),
                raw("bare LF line endings", "POST /healthz HTTP/1.1\nHost: {host}\nContent-Length: 0\n{cookie}\n" + HIDDEN),
                raw("smuggled to alice's path as the outer request too", "POST " + ALICE + " HTTP/1.1\r\nHost: {host}\r\n"
                        + "{cookie}" + cl + "Transfer-Encoding: chunked\r\n\r\n" + chunked));
    }

    private static Attack get(String name, String target, String... headerLines) {
        String extra = Arrays.stream(headerLines).map(h -> h + "\r\n").collect(Collectors.joining());
        return raw(name, "GET " + target + " HTTP/1.1\r\nHost: {host}\r\n{cookie}" + extra + "Connection: close\r\n\r\n");
    }

    /** A request with exactly this {@code Cookie} header, instead of the caller's. */
    private static Attack cookies(String name, String cookieHeader) {
        return raw(name, "GET " + ALICE + " HTTP/1.1\r\nHost: {host}\r\nCookie: " + cookieHeader
                + "\r\nConnection: close\r\n\r\n");
    }

    private static Attack method(String method) {
        return raw(method + " on alice's service", method + " " + ALICE + " HTTP/1.1\r\nHost: {host}\r\n{cookie}"
                + "Connection: close\r\n\r\n");
    }

    private static Attack smuggle(String name, String framing, String body) {
        return raw("smuggling: " + name, "POST /healthz HTTP/1.1\r\nHost: {host}\r\n{cookie}" + framing + "\r\n" + body);
    }

    private static Attack raw(String name, String raw) {
        return new Attack(name, raw, Set.of());
    }
}
