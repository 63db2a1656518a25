package io.berth.catalog;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/** Checks that every {@code ${…}} in a template string names something the template has ({@link Interpolation}). */
final class References {
    /**
     * Where a string is used: in the stack's containers ({@code SERVICE}), in what users are shown about a TCP port
     * ({@code CLIENT}: also {@code tcp.*}, and {@code user_secret.*} of the user who looks), or in a provision
     * command, run for one user of a site stack ({@code PROVISION}: also {@code user_secret.*}).
     */
    enum Where { SERVICE, CLIENT, PROVISION }

    private final Collection<String> parameters;
    private final Collection<String> secrets;
    private final Collection<String> services;
    private final Collection<String> userSecrets;

    References(Collection<String> parameters, Collection<String> secrets, Collection<String> services,
               Collection<String> userSecrets) {
        this.parameters = parameters;
        this.secrets = secrets;
        this.services = services;
        this.userSecrets = userSecrets;
    }

    /** The names of the template's services. */
    Collection<String> services() {
        return services;
    }

    /** Every {@code ${…}} in {@code text} must name something this template has. */
    void check(YamlNode at, String text, Where where) throws TemplateException {
        List<String> refs;
        try {
            refs = Interpolation.references(text);
        } catch (IllegalArgumentException e) {
            throw at.error(e.getMessage());
        }
        for (String ref : refs) {
            String problem = problem(ref, where);
            if (problem != null) {
                throw at.error("${" + ref + "}: " + problem);
            }
        }
    }

    private String problem(String ref, Where where) {
        boolean connection = where == Where.CLIENT;
        String[] parts = ref.split("\\.", -1);
        return switch (parts[0]) {
            case "user" -> parts.length == 2 && Set.of("name", "uid", "gid").contains(parts[1]) ? null
                    : "use user.name, user.uid or user.gid";
            case "group" -> parts.length == 2 && parts[1].equals("name") ? null : "use group.name";
            case "stack" -> parts.length == 2 && Set.of("name", "owner", "prefix").contains(parts[1]) ? null
                    : "use stack.name, stack.owner or stack.prefix";
            case "param" -> parts.length == 2 && parameters.contains(parts[1]) ? null
                    : "there is no parameter \"" + (parts.length > 1 ? parts[1] : "") + "\" under parameters:";
            case "secret" -> parts.length == 2 && secrets.contains(parts[1]) ? null
                    : "there is no secret \"" + (parts.length > 1 ? parts[1] : "") + "\" under secrets:";
            case "service" -> parts.length != 3 || !parts[2].equals("host") ? "use service.<name>.host"
                    : services.contains(parts[1]) ? null : "there is no service \"" + parts[1] + "\" in this template";
            case "user_secret" -> where == Where.SERVICE ? "user_secret.* exists only in provision commands and in"
                    + " connection strings and snippets" : parts.length == 2 && userSecrets.contains(parts[1]) ? null
                    : "there is no secret \"" + (parts.length > 1 ? parts[1] : "") + "\" under user_secrets:";
            case "tcp" -> connection && parts.length == 2 && Set.of("host", "port").contains(parts[1]) ? null
                    : "tcp.host and tcp.port exist only in a tcp connection string or snippet";
            default -> ref.matches("[A-Z_][A-Z0-9_]*")
                    ? "unknown reference; for a shell variable write $" + ref + " or $${" + ref + "}"
                    : "unknown reference; see templates/README.md for the list";
        };
    }
}
