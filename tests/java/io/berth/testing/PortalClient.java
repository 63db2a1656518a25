package io.berth.testing;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** A browser without a screen: keeps cookies, does not follow redirects, sends forms with the page's CSRF token. */
public final class PortalClient {
    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\" value=\"([^\"]+)\"");

    private final String base;
    private final HttpClient http;
    private String csrf;

    private final CookieManager cookies = new CookieManager();

    /** The {@code Cookie} header this client would send to the portal (for other clients: WebSocket, raw HTTP). */
    public String cookieHeader() {
        return cookies.getCookieStore().getCookies().stream().map(c -> c.getName() + "=" + c.getValue())
                .collect(Collectors.joining("; "));
    }

    /** The underlying client (same cookies, no redirects followed), e.g. to walk an identity provider's pages. */
    public HttpClient http() {
        return http;
    }

    public PortalClient(String base) {
        this(base, null);
    }

    /** A client of a portal served over HTTPS with a certificate this TLS context trusts. */
    public PortalClient(String base, javax.net.ssl.SSLContext tls) {
        this.base = base;
        HttpClient.Builder builder = HttpClient.newBuilder().cookieHandler(cookies)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(5));
        this.http = (tls == null ? builder : builder.sslContext(tls)).build();
    }

    public HttpResponse<String> get(String path) {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html").GET());
        Matcher m = CSRF.matcher(r.body());
        if (m.find()) {
            csrf = m.group(1);
        }
        return r;
    }

    /** A GET that gives up after {@code limit} (throws), for checking that a page answers rather than hangs. */
    public HttpResponse<String> get(String path, Duration limit) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html")
                    .timeout(limit).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " did not answer within " + limit, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> getJson(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "application/json").GET());
    }

    /**
     * Reads a server-sent event stream until it ends or {@code limit} passes; returns the events as
     * {@code [event name, data]} pairs in order.
     */
    public java.util.List<String[]> events(String path, Duration limit) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/event-stream")
                .timeout(limit).GET().build();
        java.util.List<String[]> out = new java.util.ArrayList<>();
        try {
            HttpResponse<java.util.stream.Stream<String>> r = http.send(request, HttpResponse.BodyHandlers.ofLines());
            String event = "message";
            for (String line : (Iterable<String>) r.body()::iterator) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    out.add(new String[] {event, line.substring(5).trim()});
                    event = "message";
                }
            }
        } catch (java.net.http.HttpTimeoutException | java.io.UncheckedIOException e) {
            // the stream did not end in time: return what arrived
        } catch (IOException e) {
            if (out.isEmpty()) {
                throw new IllegalStateException(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return out;
    }

    /** Posts a form; adds the CSRF token of the last page fetched. */
    public HttpResponse<String> post(String path, Map<String, String> form) {
        return postMulti(path, form.entrySet().stream().map(e -> Map.entry(e.getKey(), e.getValue())).toList());
    }

    /** Posts a form whose fields may repeat (checkboxes); adds the CSRF token of the last page fetched. */
    public HttpResponse<String> postMulti(String path, java.util.List<Map.Entry<String, String>> form) {
        java.util.List<Map.Entry<String, String>> all = new java.util.ArrayList<>(form);
        if (csrf != null && all.stream().noneMatch(e -> e.getKey().equals("_csrf"))) {
            all.add(Map.entry("_csrf", csrf));
        }
        String body = all.stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Accept", "text/html")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Creates an API token on the tokens page (expires in 30 days) and returns its secret; scopes space-separated. */
    public String createToken(String name, String scopes) {
        get("/tokens");
        java.util.List<Map.Entry<String, String>> form = new java.util.ArrayList<>(java.util.List.of(
                Map.entry("name", name), Map.entry("expires_days", "30")));
        for (String scope : scopes.split(" ")) {
            form.add(Map.entry("scope", scope));
        }
        HttpResponse<String> page = postMulti("/tokens", form);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("id=\"token-secret\">([^<]+)<").matcher(page.body());
        if (page.statusCode() != 201 || !m.find()) {
            throw new AssertionError("creating token " + name + " failed: " + page.statusCode());
        }
        return m.group(1);
    }

    public PortalClient login(String user, String password) {
        get("/login");
        HttpResponse<String> r = post("/login", Map.of("username", user, "password", password));
        if (r.statusCode() != 302) {
            throw new AssertionError("login of " + user + " failed: " + r.statusCode());
        }
        get("/dashboard");
        return this;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
