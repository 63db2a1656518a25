package io.berth.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Launching stacks through the portal's forms and waiting for their state, as a user's browser would. */
public final class Stacks {
    private static final Pattern STATE = Pattern.compile("id=\"state\">([A-Z]+)<");

    private Stacks() { }

    public static void launch(PortalClient client, String template, String name) {
        launch(client, template, name, Map.of());
    }

    /** Posts the catalog's launch form; {@code params} are parameter values by name. */
    public static void launch(PortalClient client, String template, String name, Map<String, String> params) {
        client.get("/catalog");
        Map<String, String> form = new LinkedHashMap<>(Map.of("template", template, "name", name));
        params.forEach((k, v) -> form.put("param." + k, v));
        HttpResponse<String> r = client.post("/stacks", form);
        assertThat(r.statusCode()).as("launch of " + name + ": " + r.body()).isEqualTo(302);
    }

    /** Polls the stack's page until it shows {@code wanted} (or a final state), and returns the last state seen. */
    public static String waitForState(PortalClient client, String stackPage, String wanted, Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        String state = "";
        while (System.nanoTime() < deadline) {
            Matcher m = STATE.matcher(client.get(stackPage).body());
            state = m.find() ? m.group(1) : "";
            if (state.equals(wanted) || (state.equals("FAILED") && !wanted.equals("FAILED"))) {
                return state;
            }
            sleep(100);
        }
        return state;
    }

    public static void waitUntil(BooleanSupplier condition, Duration limit) {
        waitUntil("condition", condition, limit, () -> "");
    }

    /**
     * Polls {@code condition} until it holds or {@code limit} passes; then fails naming {@code what}, followed by
     * {@code context} (engine state, logs), which is computed only on failure.
     */
    public static void waitUntil(String what, BooleanSupplier condition, Duration limit,
                                 java.util.function.Supplier<String> context) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            sleep(100);
        }
        assertThat(condition.getAsBoolean()).as(() -> what + " within " + limit.toSeconds() + " s; " + context.get())
                .isTrue();
    }

    public static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
