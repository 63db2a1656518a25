package io.berth.usage;

import java.util.List;

/**
 * A service whose working set, at its latest reading, is at least {@link #SHARE} of its memory limit: the kernel's
 * out-of-memory killer is one allocation away. Only what the engine reported last counts, so the warning goes as
 * soon as the service uses less.
 */
public record NearLimit(String service, long usedBytes, long limitBytes) {
    /** How full a service's memory must be to be warned about. */
    public static final double SHARE = 0.9;

    /** The services of {@code report} near their limit, in the report's order. */
    public static List<NearLimit> of(UsageReport report) {
        return report.services().stream().filter(s -> s.current() != null)
                .filter(s -> s.current().memoryLimitBytes() > 0
                        && s.current().memoryBytes() >= SHARE * s.current().memoryLimitBytes())
                .map(s -> new NearLimit(s.service(), s.current().memoryBytes(), s.current().memoryLimitBytes()))
                .toList();
    }
}
