package io.berth.testing;

import io.berth.backend.Backend;
import io.berth.backend.Endpoint;
import io.berth.backend.ServiceStatus;
import io.berth.backend.ServiceUsage;
import io.berth.backend.StackSpec;
import io.berth.backend.UsageTarget;
import io.berth.model.StackRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A backend whose services are servers already listening on loopback (an {@link EchoServer}, an nginx of a
 * benchmark): "starting" a stack points each of its services at {@code 127.0.0.1:port}. For tests and benchmarks
 * of the proxy, where the engine is not what is measured; the Docker path has its own tests on a real engine.
 */
public final class LoopbackBackend implements Backend {
    private final int port;
    private final Map<String, Integer> portByStack;
    private final Map<StackRef, List<Endpoint>> running = new ConcurrentHashMap<>();
    /** Stacks whose services {@link #list()} reports as not running: true when "the engine brings them back". */
    private final Map<StackRef, Boolean> down = new ConcurrentHashMap<>();
    /** How many services {@link #usageTargets} reports (0: none, as a backend that cannot read usage). */
    private volatile int usageTargets;

    public LoopbackBackend(int port) {
        this(port, Map.of());
    }

    /**
     * Points the services of a stack named in {@code portByStack} (stack name, any owner) at that port, all others
     * at {@code port}: one Berth can then front several loopback servers (a benchmark's nginx and echo server).
     */
    public LoopbackBackend(int port, Map<String, Integer> portByStack) {
        this.port = port;
        this.portByStack = Map.copyOf(portByStack);
    }

    @Override
    public Optional<String> unavailable() {
        return Optional.empty();
    }

    @Override
    public boolean imagePresent(String image) {
        return true;
    }

    @Override
    public List<Endpoint> start(StackSpec spec, Progress progress) {
        List<Endpoint> endpoints = new ArrayList<>();
        int port = portByStack.getOrDefault(spec.ref().stack(), this.port);
        for (StackSpec.ServiceSpec service : spec.services()) {
            progress.step("Pointing " + service.name() + " at 127.0.0.1:" + port);
            endpoints.add(new Endpoint(service.name(), "127.0.0.1", port));
        }
        running.put(spec.ref(), List.copyOf(endpoints));
        return endpoints;
    }

    @Override
    public void stop(StackRef stack, Progress progress) {
        running.remove(stack);
    }

    @Override
    public void remove(StackRef stack, boolean keepData) {
        running.remove(stack);
    }

    @Override
    public List<ServiceStatus> list() {
        List<ServiceStatus> all = new ArrayList<>();
        running.forEach((ref, endpoints) -> endpoints.forEach(e -> {
            Boolean restarting = down.get(ref);
            all.add(restarting == null ? new ServiceStatus(ref, e.service(), true, e)
                    : new ServiceStatus(ref, e.service(), false, null, restarting ? "restarting" : "exited", restarting));
        }));
        return all;
    }

    /**
     * From now on reports the stack's services as not running, as an engine does for a crashed service
     * ({@code restarting} false) or one it is bringing back by itself (true); {@link #up} ends that.
     */
    public void down(StackRef stack, boolean restarting) {
        down.put(stack, restarting);
    }

    public void up(StackRef stack) {
        down.remove(stack);
    }

    /**
     * From now on reports the services of up to {@code count} running stacks as containers whose usage can be read,
     * with made-up counters that grow with time (a tenth of a core, 50 MiB, some traffic): what the usage sampler of a
     * benchmark reads, without an engine.
     */
    public void reportUsage(int count) {
        usageTargets = count;
    }

    @Override
    public List<UsageTarget> usageTargets() {
        return running.entrySet().stream()
                .flatMap(e -> e.getValue().stream().map(p -> new UsageTarget(e.getKey(), p.service(),
                        "loop-" + e.getKey().owner() + "-" + e.getKey().stack() + "-" + p.service())))
                .limit(usageTargets).toList();
    }

    @Override
    public ServiceUsage usage(UsageTarget target, Duration timeout) {
        Instant now = Instant.now();
        long ms = now.toEpochMilli();
        return new ServiceUsage(target, now, ms * 100_000L, 50L << 20, 1L << 30, ms / 10, ms / 20, ms / 100, ms / 50);
    }

    @Override
    public LogStream logs(StackRef stack, String service, int tail, boolean follow, LogSink sink) {
        sink.end("Loopback services keep no logs.");
        return () -> { };
    }
}
