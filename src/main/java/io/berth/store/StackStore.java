package io.berth.store;

import io.berth.backend.Endpoint;
import io.berth.model.Amounts;
import io.berth.model.Route;
import io.berth.model.Stack;
import io.berth.model.StackState;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.UnableToExecuteStatementException;

/** Stacks and their routes ({@link EventStore} keeps their events). State changes are compare-and-set, so one writer wins per stack. */
public final class StackStore {
    private static final String SELECT = "SELECT s.*, u.username FROM stacks s JOIN users u ON u.id = s.owner_id ";
    private static final RowMapper<Stack> STACK = (rs, ctx) -> new Stack(
            rs.getLong("id"), rs.getLong("owner_id"), rs.getString("username"), rs.getString("name"),
            rs.getString("template"), StackState.valueOf(rs.getString("state")), rs.getString("reason"),
            rs.getObject("created_at", OffsetDateTime.class).toInstant(),
            rs.getObject("updated_at", OffsetDateTime.class).toInstant());

    private final Jdbi jdbi;

    public StackStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * Creates a PENDING stack with one route row per HTTP service; empty when the owner has one of that name
     * (the unique constraint decides, so two concurrent launches of one name create one stack).
     */
    public Optional<Stack> create(long ownerId, String name, String template, Map<String, String> routeModes,
                                  Map<String, String> params, Map<String, String> secrets) {
        return create(ownerId, name, template, routeModes, Set.of(), params, secrets, Amounts.NONE, h -> { });
    }

    /**
     * As above, recording which web services are told who calls ({@code identity}) and what the stack takes
     * ({@code takes}); {@code admission} runs first in the same transaction and refuses by throwing (quotas).
     */
    public Optional<Stack> create(long ownerId, String name, String template, Map<String, String> routeModes,
                                  Set<String> identity, Map<String, String> params, Map<String, String> secrets, Amounts takes,
                                  java.util.function.Consumer<Handle> admission) {
        try {
            return Optional.of(jdbi.inTransaction(h -> {
                admission.accept(h);
                Instant now = Instant.now();
                long id = h.createUpdate("INSERT INTO stacks (owner_id, name, template, state, created_at, updated_at,"
                                + " containers, cpu_millis, memory_bytes) VALUES (:o, :n, :t, 'PENDING', :now, :now,"
                                + " :c, :cpu, :mem)")
                        .bind("o", ownerId).bind("n", name).bind("t", template).bind("now", now)
                        .bind("c", takes.containers()).bind("cpu", takes.cpuMillis()).bind("mem", takes.memoryBytes())
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                for (var route : routeModes.entrySet()) {
                    h.createUpdate("INSERT INTO routes (stack_id, service, mode, identity) VALUES (:s, :svc, :m, :i)")
                            .bind("s", id).bind("svc", route.getKey()).bind("m", route.getValue())
                            .bind("i", identity.contains(route.getKey())).execute();
                }
                insertValues(h, id, "param", params);
                insertValues(h, id, "secret", secrets);
                return h.createQuery(SELECT + "WHERE s.id = :id").bind("id", id).map(STACK).one();
            }));
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return Optional.empty(); // integrity constraint: the name is taken
            }
            throw e;
        }
    }

    private static void insertValues(Handle h, long stackId, String kind, Map<String, String> values) {
        for (var v : values.entrySet()) {
            h.createUpdate("INSERT INTO stack_values (stack_id, kind, name, val) VALUES (:s, :k, :n, :v)")
                    .bind("s", stackId).bind("k", kind).bind("n", v.getKey()).bind("v", v.getValue()).execute();
        }
    }

    /** The parameter values ({@code kind = "param"}) or secrets ({@code "secret"}) a stack was launched with. */
    public Map<String, String> values(long stackId, String kind) {
        return jdbi.withHandle(h -> h.createQuery("SELECT name, val FROM stack_values WHERE stack_id = :s AND kind = :k")
                .bind("s", stackId).bind("k", kind)
                .reduceRows(new TreeMap<String, String>(), (m, row) -> {
                    m.put(row.getColumn("name", String.class), row.getColumn("val", String.class));
                    return m;
                }));
    }

    /** Published TCP ports of a stack: service → (container port → host port). */
    public Map<String, Map<Integer, Integer>> publishedPorts(long stackId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM published_ports WHERE stack_id = :s ORDER BY service, container_port")
                .bind("s", stackId)
                .reduceRows(new TreeMap<String, Map<Integer, Integer>>(), (m, row) -> {
                    m.computeIfAbsent(row.getColumn("service", String.class), k -> new TreeMap<>())
                            .put(row.getColumn("container_port", Integer.class), row.getColumn("host_port", Integer.class));
                    return m;
                }));
    }

    /** Services whose published ports are reached at another host than the portal's (a Swarm node), by service. */
    public Map<String, String> publishedHosts(long stackId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT DISTINCT service, host FROM published_ports"
                        + " WHERE stack_id = :s AND host IS NOT NULL").bind("s", stackId)
                .reduceRows(new TreeMap<String, String>(), (m, row) -> {
                    m.put(row.getColumn("service", String.class), row.getColumn("host", String.class));
                    return m;
                }));
    }

    public Optional<Stack> byId(long id) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE s.id = :id").bind("id", id).map(STACK).findOne());
    }

    public Optional<Stack> find(String owner, String name) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE u.username = :o AND s.name = :n")
                .bind("o", owner).bind("n", name).map(STACK).findOne());
    }

    public List<Stack> ownedBy(long ownerId) {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE s.owner_id = :o ORDER BY s.name")
                .bind("o", ownerId).map(STACK).list());
    }

    /** The stacks of the named owners (e.g. the accounts {@code @<group>} of a user's groups). */
    public List<Stack> ownedByNames(Collection<String> owners) {
        if (owners.isEmpty()) {
            return List.of();
        }
        return jdbi.withHandle(h -> h.createQuery(SELECT + "WHERE u.username IN (<owners>) ORDER BY u.username, s.name")
                .bindList("owners", List.copyOf(owners)).map(STACK).list());
    }

    public List<Stack> all() {
        return jdbi.withHandle(h -> h.createQuery(SELECT + "ORDER BY u.username, s.name").map(STACK).list());
    }

    /**
     * Moves a stack to {@code to} if it is in one of {@code from}; returns whether it did. The reason is kept
     * for FAILED and cleared otherwise.
     */
    /**
     * A transition that first passes {@code admission} in the same transaction (a start, checked against quotas),
     * recording what the stack takes now.
     */
    public boolean transition(long id, Collection<StackState> from, StackState to, Amounts takes,
                              java.util.function.Consumer<Handle> admission) {
        return jdbi.inTransaction(h -> {
            admission.accept(h);
            return h.createUpdate("UPDATE stacks SET state = :to, reason = NULL, updated_at = :t, containers = :c,"
                            + " cpu_millis = :cpu, memory_bytes = :mem WHERE id = :id AND state IN (<from>)")
                    .bind("to", to.name()).bind("t", Instant.now()).bind("id", id).bind("c", takes.containers())
                    .bind("cpu", takes.cpuMillis()).bind("mem", takes.memoryBytes())
                    .bindList("from", from.stream().map(Enum::name).toList()).execute() == 1;
        });
    }

    public boolean transition(long id, Collection<StackState> from, StackState to, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("UPDATE stacks SET state = :to, reason = :r, updated_at = :t"
                        + " WHERE id = :id AND state IN (<from>)")
                .bind("to", to.name()).bind("r", reason).bind("t", Instant.now()).bind("id", id)
                .bindList("from", from.stream().map(Enum::name).toList())
                .execute()) == 1;
    }

    /** Records where each service answers and its published ports; clears what is not listed. */
    public void setTargets(long stackId, List<Endpoint> endpoints) {
        jdbi.useTransaction(h -> {
            h.createUpdate("UPDATE routes SET target_host = NULL, target_port = NULL WHERE stack_id = :s")
                    .bind("s", stackId).execute();
            h.createUpdate("DELETE FROM published_ports WHERE stack_id = :s").bind("s", stackId).execute();
            for (Endpoint e : endpoints) {
                h.createUpdate("UPDATE routes SET target_host = :h, target_port = :p WHERE stack_id = :s AND service = :svc")
                        .bind("h", e.host()).bind("p", e.port()).bind("s", stackId).bind("svc", e.service()).execute();
                for (var port : e.published().entrySet()) {
                    h.createUpdate("INSERT INTO published_ports (stack_id, service, container_port, host_port, host)"
                                    + " VALUES (:s, :svc, :c, :h, :a)")
                            .bind("s", stackId).bind("svc", e.service()).bind("c", port.getKey()).bind("h", port.getValue())
                            .bind("a", e.publishedHost()).execute();
                }
            }
        });
    }

    public Optional<Route> route(String owner, String stack, String service) {
        return jdbi.withHandle(h -> h.createQuery("SELECT u.username, s.owner_id, s.id, s.name, s.state, r.service,"
                        + " r.mode, r.target_host, r.target_port, r.identity FROM routes r JOIN stacks s ON s.id = r.stack_id"
                        + " JOIN users u ON u.id = s.owner_id"
                        + " WHERE u.username = :o AND s.name = :n AND r.service = :svc")
                .bind("o", owner).bind("n", stack).bind("svc", service)
                .map((rs, ctx) -> new Route(rs.getString("username"), rs.getLong("owner_id"), rs.getLong("id"),
                        rs.getString("name"), rs.getString("service"), "host".equals(rs.getString("mode")),
                        StackState.valueOf(rs.getString("state")),
                        rs.getString("target_host"), (Integer) rs.getObject("target_port"), rs.getBoolean("identity")))
                .findOne());
    }

    /**
     * Records that the stack is being deleted ({@code DELETING}) and whether its volumes stay, so a Berth that
     * stops before the delete is done finishes it when it starts again.
     */
    public void markDeleting(long stackId, boolean keepData) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE stacks SET state = 'DELETING', reason = NULL, delete_keeps_data = :k,"
                        + " updated_at = :t WHERE id = :id")
                .bind("k", keepData).bind("t", Instant.now()).bind("id", stackId).execute());
    }

    /** Whether the delete recorded for a DELETING stack keeps its volumes (true when nothing says otherwise). */
    public boolean deleteKeepsData(long stackId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT delete_keeps_data FROM stacks WHERE id = :id")
                .bind("id", stackId).mapTo(Boolean.class).findOne().orElse(null)) != Boolean.FALSE;
    }

    /**
     * Records a stack found running without a record (see {@code stacks.Adoption}): FAILED with {@code reason}, no
     * routes; empty when the owner has a stack of that name by now.
     */
    public Optional<Stack> adopt(long ownerId, String name, String template, String reason) {
        try {
            return Optional.of(jdbi.inTransaction(h -> {
                Instant now = Instant.now();
                long id = h.createUpdate("INSERT INTO stacks (owner_id, name, template, state, reason, created_at,"
                                + " updated_at) VALUES (:o, :n, :t, 'FAILED', :r, :now, :now)")
                        .bind("o", ownerId).bind("n", name).bind("t", template).bind("r", reason).bind("now", now)
                        .executeAndReturnGeneratedKeys("id").mapTo(Long.class).one();
                return h.createQuery(SELECT + "WHERE s.id = :id").bind("id", id).map(STACK).one();
            }));
        } catch (UnableToExecuteStatementException e) {
            if (e.getCause() instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("23")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    public void delete(long stackId) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM stacks WHERE id = :id").bind("id", stackId).execute());
    }

    /** Records when traffic last passed to routes: (stack id, service) → time; one batch, one transaction. */
    public void recordActivity(Map<Map.Entry<Long, String>, Instant> seen) {
        if (seen.isEmpty()) {
            return;
        }
        jdbi.useTransaction(h -> {
            var batch = h.prepareBatch("UPDATE routes SET last_activity = :t WHERE stack_id = :s AND service = :svc");
            seen.forEach((route, at) -> batch.bind("t", at).bind("s", route.getKey()).bind("svc", route.getValue()).add());
            batch.execute();
        });
    }

    /** The last recorded activity of a stack's routes, if any traffic passed since it was created. */
    public Optional<Instant> lastActivity(long stackId) {
        OffsetDateTime last = jdbi.withHandle(h -> h.createQuery(
                "SELECT MAX(last_activity) FROM routes WHERE stack_id = :s").bind("s", stackId)
                .mapTo(OffsetDateTime.class).one());
        return Optional.ofNullable(last).map(OffsetDateTime::toInstant);
    }

    /** {@link #lastActivity} of every stack that had traffic, by stack id, in one query (for All stacks). */
    public Map<Long, Instant> lastActivities() {
        Map<Long, Instant> out = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT stack_id, MAX(last_activity) AS last FROM routes"
                        + " WHERE last_activity IS NOT NULL GROUP BY stack_id")
                .map((rs, c) -> Map.entry(rs.getLong("stack_id"), rs.getObject("last", OffsetDateTime.class)))
                .forEach(e -> out.put(e.getKey(), e.getValue().toInstant())));
        return out;
    }

    /** What each stack took at its last launch or start (containers, CPU, memory), by stack id. */
    public Map<Long, Amounts> takes() {
        Map<Long, Amounts> out = new java.util.HashMap<>();
        jdbi.useHandle(h -> h.createQuery("SELECT id, containers, cpu_millis, memory_bytes FROM stacks")
                .map((rs, c) -> Map.entry(rs.getLong("id"), new Amounts(1, rs.getLong("containers"),
                        rs.getLong("cpu_millis"), rs.getLong("memory_bytes"))))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    /** How many stacks are in each state (states without stacks left out). */
    public Map<StackState, Long> countByState() {
        Map<StackState, Long> counts = new java.util.EnumMap<>(StackState.class);
        jdbi.useHandle(h -> h.createQuery("SELECT state, COUNT(*) AS n FROM stacks GROUP BY state")
                .map((rs, ctx) -> Map.entry(StackState.valueOf(rs.getString("state")), rs.getLong("n")))
                .forEach(e -> counts.put(e.getKey(), e.getValue())));
        return counts;
    }

    /** How each HTTP service of a stack is served: service → {@code path} or {@code host}. */
    public Map<String, String> routeModes(long stackId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT service, mode FROM routes WHERE stack_id = :s")
                .bind("s", stackId).setMapKeyColumn("service").setMapValueColumn("mode")
                .collectInto(new org.jdbi.v3.core.generic.GenericType<Map<String, String>>() { }));
    }

    /** Sets how each named HTTP service of a stack is served (a start from STOPPED re-decides it). */
    public void setRouteModes(long stackId, Map<String, String> modes) {
        jdbi.useTransaction(h -> {
            for (var mode : modes.entrySet()) {
                h.createUpdate("UPDATE routes SET mode = :m WHERE stack_id = :s AND service = :svc")
                        .bind("m", mode.getValue()).bind("s", stackId).bind("svc", mode.getKey()).execute();
            }
        });
    }
}
