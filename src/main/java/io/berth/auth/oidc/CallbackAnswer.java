package io.berth.auth.oidc;

import io.berth.model.BerthException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What Berth accepts on the sign-in callback, decided before any OIDC library code sees the request: the answer of
 * the authorization code flow ({@code code} and {@code state}, and {@code iss} / {@code session_state} when the
 * provider adds them), or its error answer. A parameter that carries a token or belongs to another flow
 * ({@code access_token}, {@code id_token}, a JARM {@code response}, a logout's {@code logout_token} or {@code sid}…)
 * refuses the whole answer; so does any parameter Berth reads given twice, or a missing {@code state} or {@code code}.
 * Other parameters some providers add (Google's {@code scope}, {@code authuser}) are ignored: only {@link #forLibrary}
 * reaches pac4j, so its credentials can only ever come from exchanging this code.
 */
record CallbackAnswer(String code, String state, String issuer, String sessionState, String error,
                      String errorDescription) {
    private static final Set<String> READ = Set.of("code", "state", "iss", "session_state", "error",
            "error_description", "error_uri");
    /** Parameters of implicit, hybrid, JARM and logout answers: their presence alone refuses the callback. */
    private static final Set<String> REFUSED = Set.of("access_token", "id_token", "token", "token_type",
            "expires_in", "refresh_token", "response", "logout_token", "sid", "request", "request_uri",
            "client_assertion");
    private static final int MAX_VALUE = 4096;

    /** Reads the callback's query; a refusal is a 400 whose message says which parameter is at fault. */
    static CallbackAnswer read(Map<String, List<String>> query) {
        Map<String, String> one = new HashMap<>();
        for (var e : query.entrySet()) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (REFUSED.contains(name)) {
                throw refused("the answer carries \"" + e.getKey() + "\"", "This answer carries a parameter (\""
                        + e.getKey() + "\") that Berth never accepts from a browser: it signs people in only by"
                        + " exchanging a sign-in code with the provider itself. Nobody was signed in.");
            }
            if (!READ.contains(e.getKey())) {
                continue;
            }
            if (e.getValue().size() != 1) {
                throw refused("\"" + e.getKey() + "\" given " + e.getValue().size() + " times", "This answer"
                        + " gives \"" + e.getKey() + "\" more than once, so it cannot be trusted. Nobody was signed"
                        + " in. Please sign in again.");
            }
            String value = e.getValue().get(0);
            if (value.length() > MAX_VALUE || value.chars().anyMatch(Character::isISOControl)) {
                throw refused("\"" + e.getKey() + "\" is malformed", "This answer's \"" + e.getKey() + "\" is"
                        + " malformed. Nobody was signed in. Please sign in again.");
            }
            one.put(e.getKey(), value);
        }
        if (blank(one.get("state"))) {
            throw refused("no state", "This answer carries no state, so it cannot belong to the sign-in this browser"
                    + " started. Nobody was signed in. Please sign in again.");
        }
        if (one.get("error") == null && blank(one.get("code"))) {
            throw refused("no code", "The sign-in service's answer carried no sign-in code. Please sign in again.");
        }
        return new CallbackAnswer(one.get("code"), one.get("state"), one.get("iss"), one.get("session_state"),
                one.get("error"), one.get("error_description"));
    }

    /** The only parameters pac4j is shown: those of a successful code answer. */
    Map<String, String> forLibrary() {
        Map<String, String> out = new HashMap<>();
        out.put("code", code);
        out.put("state", state);
        if (issuer != null) {
            out.put("iss", issuer);
        }
        if (sessionState != null) {
            out.put("session_state", sessionState);
        }
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static BerthException refused(String logged, String shown) {
        OidcLogin.LOG.warn("single sign-on refused: {}", logged);
        return new BerthException(400, "sso_refused", shown, null);
    }
}
