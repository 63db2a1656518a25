package io.berth.model;

import java.util.Locale;

/**
 * Resources in the units quotas count: running stacks, containers, CPU in thousandths of a core, memory in bytes.
 * As a limit, 0 means "no limit" for that resource.
 */
public record Amounts(long stacks, long containers, long cpuMillis, long memoryBytes) {
    public static final Amounts NONE = new Amounts(0, 0, 0, 0);

    public Amounts plus(Amounts other) {
        return new Amounts(stacks + other.stacks, containers + other.containers, cpuMillis + other.cpuMillis,
                memoryBytes + other.memoryBytes);
    }

    /** The first resource in which {@code used} would pass this limit, in words; null when all fit. */
    public String firstExceededBy(Amounts used) {
        if (stacks > 0 && used.stacks > stacks) {
            return "stacks";
        }
        if (containers > 0 && used.containers > containers) {
            return "containers";
        }
        if (cpuMillis > 0 && used.cpuMillis > cpuMillis) {
            return "CPU";
        }
        if (memoryBytes > 0 && used.memoryBytes > memoryBytes) {
            return "memory";
        }
        return null;
    }

    /** The amount of one resource, named as {@link #firstExceededBy} names them: stacks, containers, CPU, memory. */
    public long of(String resource) {
        return switch (resource) {
            case "stacks" -> stacks;
            case "containers" -> containers;
            case "CPU" -> cpuMillis;
            default -> memoryBytes;
        };
    }

    /** One resource in words: {@code 1 stack}, {@code 3 containers}, {@code 1.5 CPU}, {@code 32 MiB}. */
    public String inWords(String resource) {
        long value = of(resource);
        return switch (resource) {
            case "CPU" -> cpu(value) + " CPU";
            case "memory" -> memory(value);
            default -> value + " " + (value == 1 ? resource.substring(0, resource.length() - 1) : resource);
        };
    }

    /** As a limit: {@link #inWords}, or "no limit" for 0. */
    public String limitInWords(String resource) {
        return of(resource) == 0 ? "no limit" : inWords(resource);
    }

    public static String cpu(long millis) {
        return millis % 1000 == 0 ? String.valueOf(millis / 1000)
                : String.format(Locale.ROOT, "%.2f", millis / 1000.0).replaceAll("0+$", "");
    }

    public static String memory(long bytes) {
        if (bytes >= 1L << 30 && bytes % (1L << 30) == 0) {
            return bytes / (1L << 30) + " GiB";
        }
        if (bytes >= 1L << 30) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
        }
        return (bytes >> 20) + " MiB";
    }

    /** Parses {@code 512m}, {@code 2g}, {@code 1.5g} or a number of bytes; 0 or blank: no limit. */
    public static long parseMemory(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("0")) {
            return 0;
        }
        var m = java.util.regex.Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt])?i?b?").matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException("\"" + text + "\" is not an amount of memory: write e.g. 512m or 16g");
        }
        long factor = m.group(2) == null ? 1 : switch (m.group(2)) {
            case "k" -> 1L << 10;
            case "m" -> 1L << 20;
            case "g" -> 1L << 30;
            default -> 1L << 40;
        };
        return (long) (Double.parseDouble(m.group(1)) * factor);
    }

    /** Parses {@code 0.5} or {@code 2} cores into thousandths; 0 or blank: no limit. */
    public static long parseCpu(String text) {
        String t = text == null ? "" : text.trim();
        if (t.isEmpty()) {
            return 0;
        }
        if (!t.matches("\\d{1,4}(\\.\\d{1,3})?")) {
            throw new IllegalArgumentException("\"" + text + "\" is not a number of cores: write e.g. 0.5 or 4");
        }
        return Math.round(Double.parseDouble(t) * 1000);
    }
}
