package io.berth.usage;

import io.berth.backend.Backend;
import io.berth.backend.BackendException;
import io.berth.backend.Endpoint;
import io.berth.backend.ServiceStatus;
import io.berth.backend.ServiceUsage;
import io.berth.backend.StackSpec;
import io.berth.backend.UsageTarget;
import io.berth.backend.VolumeUsage;
import io.berth.model.StackRef;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real backend whose usage reading of one service never answers, as a stalled engine's would not: everything
 * else, that service's containers included, runs on the real engine. ({@code docker pause} does not stall a stats
 * call on Docker 20.10: the engine still answers within a second, so it cannot stand in.)
 */
final class StallingBackend implements Backend {
    private final Backend real;
    private final String stalled;
    final AtomicInteger stalls = new AtomicInteger();

    StallingBackend(Backend real, String stalledService) {
        this.real = real;
        this.stalled = stalledService;
    }

    @Override
    public ServiceUsage usage(UsageTarget target, Duration timeout) throws BackendException {
        if (target.service().equals(stalled)) {
            stalls.incrementAndGet();
            try {
                Thread.sleep(Long.MAX_VALUE); // ignores the timeout it was given, unlike the real backends
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new BackendException("interrupted");
        }
        return real.usage(target, timeout);
    }

    @Override
    public List<UsageTarget> usageTargets() {
        return real.usageTargets();
    }

    @Override
    public List<VolumeUsage> volumeUsage() {
        return real.volumeUsage();
    }

    @Override
    public Optional<String> unavailable() {
        return real.unavailable();
    }

    @Override
    public boolean imagePresent(String image) {
        return real.imagePresent(image);
    }

    @Override
    public List<Endpoint> start(StackSpec spec, Progress progress) throws BackendException {
        return real.start(spec, progress);
    }

    @Override
    public void stop(StackRef stack, Progress progress) {
        real.stop(stack, progress);
    }

    @Override
    public void remove(StackRef stack, boolean keepData) {
        real.remove(stack, keepData);
    }

    @Override
    public List<ServiceStatus> list() {
        return real.list();
    }

    @Override
    public LogStream logs(StackRef stack, String service, int tail, boolean follow, LogSink sink) {
        return real.logs(stack, service, tail, follow, sink);
    }

    @Override
    public void close() {
        real.close();
    }
}
