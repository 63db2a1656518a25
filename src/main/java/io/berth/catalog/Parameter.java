package io.berth.catalog;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A typed input a user gives when launching: {@code string} (regex, max length), {@code int} (min, max),
 * {@code choice} (one of {@code choices}) or {@code bool}. The launch form is generated from these, and
 * {@link #check} gives the message for a bad value, naming the field.
 */
public record Parameter(String name, Type type, String label, String help, String defaultValue, Pattern regex,
                        int maxLength, Long min, Long max, List<String> choices) {

    /** The longest string value accepted when a template sets no {@code max_length}. */
    public static final int DEFAULT_MAX_LENGTH = 256;

    public enum Type { STRING, INT, CHOICE, BOOL }

    /**
     * The value to use for {@code raw} (null: the default), or an exception whose message names the field.
     */
    public String check(String raw) throws ParameterException {
        String value = raw == null ? defaultValue : raw.trim();
        if (value == null || (value.isEmpty() && type != Type.STRING)) {
            throw new ParameterException(name, label + " is required.");
        }
        switch (type) {
            case STRING -> {
                if (value.length() > maxLength) {
                    throw new ParameterException(name, label + " is at most " + maxLength + " characters long.");
                }
                if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                    throw new ParameterException(name, label + " cannot contain control characters.");
                }
                if (regex != null && !regex.matcher(value).matches()) {
                    throw new ParameterException(name, label + " must match " + regex.pattern() + ".");
                }
            }
            case INT -> {
                long n;
                try {
                    n = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new ParameterException(name, label + " must be a whole number.");
                }
                if ((min != null && n < min) || (max != null && n > max)) {
                    throw new ParameterException(name, label + " must be between "
                            + (min == null ? "-∞" : min) + " and " + (max == null ? "∞" : max) + ".");
                }
                value = Long.toString(n);
            }
            case CHOICE -> {
                if (!choices.contains(value)) {
                    throw new ParameterException(name, label + " must be one of " + String.join(", ", choices) + ".");
                }
            }
            case BOOL -> {
                if (value.equals("on")) {
                    value = "true"; // an HTML checkbox
                }
                if (!value.equals("true") && !value.equals("false")) {
                    throw new ParameterException(name, label + " must be true or false.");
                }
            }
        }
        return value;
    }

    /** A parameter value that is not acceptable; {@code field} is the parameter's name. */
    public static final class ParameterException extends Exception {
        private final String field;

        public ParameterException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
