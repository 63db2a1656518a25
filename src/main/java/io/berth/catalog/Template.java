package io.berth.catalog;

import java.util.List;
import java.util.Map;

/**
 * A stack template from {@code templates/<name>.yaml}: what a user can launch. Services start in the listed order.
 */
public record Template(String name, String title, String description, List<Service> services) {

    /**
     * One container of the stack. {@code httpPort} is the port its web UI listens on (null: not served through the
     * proxy); it is served path-routed under {@code /user/<owner>/<stack>/<service>/}, which the app learns from the
     * {@code BERTH_PREFIX} environment variable.
     */
    public record Service(String name, String image, List<String> command, Map<String, String> env,
                          Integer httpPort) { }

    public List<String> httpServices() {
        return services.stream().filter(s -> s.httpPort() != null).map(Service::name).toList();
    }

    public List<String> images() {
        return services.stream().map(Service::image).distinct().toList();
    }
}
