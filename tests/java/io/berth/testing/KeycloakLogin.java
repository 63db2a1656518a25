package io.berth.testing;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Logs in on Keycloak's own login page the way a browser would, without one: follows an authorization URL, fills
 * the form, and returns where Keycloak sends the browser back (the relying party's callback with {@code code} and
 * {@code state}). The client must not follow redirects itself. Keycloak marks its cookies {@code Secure} even over
 * plain HTTP (browsers treat 127.0.0.1 as secure; Java's cookie store does not), so they are carried by hand here.
 */
public final class KeycloakLogin {
    private static final Pattern FORM = Pattern.compile("<form[^>]*id=\"kc-form-login\"[^>]*action=\"([^\"]+)\"");
    private static final Pattern ERROR = Pattern.compile("(?s)id=\"input-error[^\"]*\"[^>]*>\\s*([^<]+?)\\s*<"
            + "|(?s)class=\"[^\"]*(?:alert-error|kc-feedback-text|instruction)[^\"]*\"[^>]*>\\s*([^<]+?)\\s*<");

    private KeycloakLogin() { }

    public static URI followToCallback(HttpClient client, URI authorizationUrl, String user, String password) {
        HttpResponse<String> page = send(client, HttpRequest.newBuilder(authorizationUrl).GET());
        String cookies = page.headers().allValues("Set-Cookie").stream().map(c -> c.substring(0, c.indexOf(';')))
                .collect(java.util.stream.Collectors.joining("; "));
        if (page.statusCode() == 302) { // Keycloak still knows this browser: no form
            return URI.create(page.headers().firstValue("Location").orElseThrow());
        }
        Matcher form = FORM.matcher(page.body());
        if (page.statusCode() != 200 || !form.find()) {
            throw new AssertionError("Keycloak showed no login form (" + page.statusCode() + "): " + text(page.body()));
        }
        String body = "username=" + enc(user) + "&password=" + enc(password) + "&credentialId=";
        HttpResponse<String> sent = send(client, HttpRequest.newBuilder(URI.create(unescape(form.group(1))))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", cookies)
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (sent.statusCode() != 302) {
            throw new AssertionError("Keycloak did not log " + user + " in (" + sent.statusCode() + "): "
                    + message(sent.body()));
        }
        return URI.create(sent.headers().firstValue("Location").orElseThrow());
    }

    private static HttpResponse<String> send(HttpClient client, HttpRequest.Builder request) {
        try {
            return client.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError("Keycloak did not answer: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** The page's error message (wrong password, expired action), else its text. */
    private static String message(String html) {
        Matcher m = ERROR.matcher(html);
        while (m.find()) {
            String found = m.group(1) != null ? m.group(1) : m.group(2);
            if (found != null && !found.isBlank()) {
                return unescape(found.trim());
            }
        }
        return text(html);
    }

    private static String text(String html) {
        String t = html.replaceAll("(?s)<script.*?</script>|<style.*?</style>", " ").replaceAll("<[^>]+>", " ")
                .replaceAll("\\s+", " ").trim();
        return t.length() > 600 ? t.substring(0, 600) + "…" : t;
    }

    private static String unescape(String s) {
        return s.replace("&amp;", "&").replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<")
                .replace("&gt;", ">");
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
