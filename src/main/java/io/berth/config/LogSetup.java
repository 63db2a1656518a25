package io.berth.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * Applies {@code logging:} from berth.yaml over logback.xml: levels per logger, and JSON lines instead of text on
 * standard output ({@code timestamp} in epoch milliseconds, {@code level}, {@code threadName}, {@code loggerName},
 * {@code formattedMessage}, {@code throwable}; logback's own {@link JsonEncoder}).
 */
public final class LogSetup {
    private static final List<String> LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");
    private static final String JSON_APPENDER = "json";

    private LogSetup() { }

    /** Checks everything first, so a typo changes nothing; then applies. */
    public static void apply(BerthConfig.Logging config) {
        String format = config.format.toLowerCase(Locale.ROOT);
        if (!format.equals("text") && !format.equals("json")) {
            throw new ConfigException("logging.format is \"" + config.format + "\"; use text or json");
        }
        for (Map.Entry<String, String> e : config.levels.entrySet()) {
            if (!LEVELS.contains(e.getValue().toLowerCase(Locale.ROOT))) {
                throw new ConfigException("logging.levels." + e.getKey() + " is \"" + e.getValue() + "\"; use one of "
                        + String.join(", ", LEVELS));
            }
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return; // another SLF4J binding (a test harness): nothing of ours to set
        }
        config.levels.forEach((name, level) -> context.getLogger(name).setLevel(Level.toLevel(level)));
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        if (format.equals("json") && root.getAppender(JSON_APPENDER) == null) {
            JsonEncoder encoder = new JsonEncoder();
            encoder.setContext(context);
            encoder.setWithContext(false);
            encoder.setWithSequenceNumber(false);
            encoder.setWithNanoseconds(false);
            encoder.setWithMessage(false);
            encoder.setWithArguments(false);
            encoder.setWithFormattedMessage(true);
            encoder.start();
            ConsoleAppender<ILoggingEvent> json = new ConsoleAppender<>();
            json.setContext(context);
            json.setName(JSON_APPENDER);
            json.setEncoder(encoder);
            json.start();
            root.detachAndStopAllAppenders();
            root.addAppender(json);
        }
    }
}
