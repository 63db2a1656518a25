package io.berth.catalog;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The YAML shape of a template file, as written by operators (compose-like):
 * <pre>
 * name: demo                      # slug, unique in the catalog
 * title: Demo web page
 * description: One line or two.
 * services:
 *   web:                          # service name (slug)
 *     image: berth/demo:latest
 *     command: [sh, -c, "exec httpd -f -p 8080 -h /www"]
 *     env: {KEY: value}
 *     expose:
 *       - http: 8080              # the port the web UI listens on
 *         route: path             # served under /user/&lt;owner&gt;/&lt;stack&gt;/&lt;service&gt;/
 * </pre>
 */
final class TemplateFile {
    @JsonProperty(required = true) public String name;
    public String title;
    public String description = "";
    @JsonProperty(required = true) public LinkedHashMap<String, ServiceFile> services;

    static final class ServiceFile {
        @JsonProperty(required = true) public String image;
        public List<String> command = new ArrayList<>();
        public Map<String, String> env = new LinkedHashMap<>();
        public List<ExposeFile> expose = new ArrayList<>();
    }

    static final class ExposeFile {
        public Integer http;
        public String route = "path";
    }
}
