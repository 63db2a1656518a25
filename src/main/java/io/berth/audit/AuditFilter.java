package io.berth.audit;

import io.berth.model.BerthException;
import io.berth.model.QueryNumbers;
import io.berth.store.AuditStore;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;

/**
 * The audit log's filters from a query string, shared by the admin page and the API: {@code actor},
 * {@code action} (a prefix: {@code stack.}), {@code since}/{@code until} (a date {@code 2026-11-28} or an instant
 * {@code 2026-11-28T10:00:00Z}), {@code before} (an entry id, to page back), {@code limit} (1-500, default 200).
 */
public final class AuditFilter {
    private AuditFilter() { }

    public static AuditStore.Filter from(Context ctx) {
        return new AuditStore.Filter(blank(ctx.queryParam("actor")), blank(ctx.queryParam("action")),
                time("since", ctx.queryParam("since")), time("until", ctx.queryParam("until")),
                QueryNumbers.parse("before", ctx.queryParam("before"), Long.MAX_VALUE, null),
                QueryNumbers.parse("limit", ctx.queryParam("limit"), 500, 200L).intValue());
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    private static Instant time(String field, String s) {
        if (blank(s) == null) {
            return null;
        }
        try {
            return s.trim().length() == 10 ? LocalDate.parse(s.trim()).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(s.trim());
        } catch (DateTimeParseException e) {
            throw BerthException.badRequest(field, field + " is a date like 2026-11-28 or a time like"
                    + " 2026-11-28T10:00:00Z.");
        }
    }
}
