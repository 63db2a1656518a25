package io.berth.web;

import io.berth.model.Bytes;
import io.berth.usage.UsageReport;
import java.util.List;
import java.util.Locale;

/** A stack's usage as the stack page's table shows it: one line of text per service and per volume. */
public record UsageRows(List<Service> services, List<Volume> volumes) {

    /** {@code cpu}: 100 % per busy core; {@code memory}: working set of the limit. */
    public record Service(String name, String cpu, String memory, String network, String disk) { }

    public record Volume(String name, String size) { }

    static UsageRows of(UsageReport report) {
        List<Service> services = report.services().stream().filter(s -> s.current() != null).map(s -> {
            UsageReport.Current c = s.current();
            String memory = bytes(c.memoryBytes()) + " of " + bytes(c.memoryLimitBytes()) + String.format(Locale.ROOT,
                    " (%.0f %%)", c.memoryLimitBytes() > 0 ? 100.0 * c.memoryBytes() / c.memoryLimitBytes() : 0);
            return new Service(s.service(), String.format(Locale.ROOT, "%.1f %%", c.cpuPercent()), memory,
                    "in " + bytes(c.netRxBytes()) + ", out " + bytes(c.netTxBytes()),
                    "read " + bytes(c.blockReadBytes()) + ", written " + bytes(c.blockWriteBytes()));
        }).toList();
        List<Volume> volumes = report.volumes().stream().map(v -> new Volume(v.volume() + (v.shared()
                ? " (shared by the owner's stacks)" : ""), bytes(v.bytes()))).toList();
        return new UsageRows(services, volumes);
    }

    /** Bytes in binary units, as {@code docker stats} prints them: {@code 200.4 MiB}, {@code 64 MiB}. */
    static String bytes(long n) {
        return Bytes.binary(n);
    }
}
