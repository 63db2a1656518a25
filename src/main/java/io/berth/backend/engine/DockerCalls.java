package io.berth.backend.engine;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectVolumeResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.berth.backend.Backend.Progress;
import io.berth.backend.BackendException;
import io.berth.backend.StackSpec;
import io.berth.backend.StackSpec.ServiceSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every docker-java call of both backends (Docker and Swarm), run on one bounded pool with a deadline (like
 * dockerspawner's executor wrapper): a hung engine then costs a caller at most {@link #CALL_TIMEOUT}, never a thread
 * forever, and no more than {@link #THREADS} requests are in flight at once. docker-java's own exceptions
 * ({@code NotFoundException}, {@code ConflictException}, …) reach the caller unchanged. The few calls the backends
 * make in more than one place, with their "already gone" rules, are here too. Graceful stops, which wait on the
 * engine for as long as a container's stop grace, have a pool and a connection of their own ({@link #stopContainer}),
 * so a database taking its time to shut down never holds up the short calls of other stacks. Usage readings
 * ({@link #sample}) have theirs too: the engine answers each after its next once-a-second collection, so they mostly
 * wait, and hundreds of them must not take the short calls' threads.
 */
public final class DockerCalls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DockerCalls.class);
    static final int THREADS = 8;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /** A little longer than the HTTP response timeout, so the transport's own, clearer error usually wins. */
    static final Duration CALL_TIMEOUT = RESPONSE_TIMEOUT.plusSeconds(5);

    /** Graceful stops that may be under way at once; more wait their turn (their grace counts from their start). */
    static final int STOP_THREADS = 16;
    /**
     * The longest a stop may wait for the engine's answer: the longest grace, then the engine's kill and the
     * container's exit. A stop's own grace bounds it on the engine's side; this only bounds a hung engine.
     */
    static final Duration STOP_RESPONSE_TIMEOUT = Duration.ofSeconds(ServiceSpec.MAX_STOP_GRACE_SECONDS)
            .plus(RESPONSE_TIMEOUT);

    /**
     * Usage readings in flight at once. Each waits up to a second on the engine's collector (which serves all waiting
     * readings in the same tick), so 32 read ~30 containers a second: 500 containers in about 16 s.
     */
    static final int SAMPLE_THREADS = 32;
    /** A reading is answered within about two seconds; this only frees a connection to a stalled engine. */
    static final Duration SAMPLE_RESPONSE_TIMEOUT = Duration.ofSeconds(10);

    /** A call that did not finish within its deadline. */
    static final class Timeout extends RuntimeException {
        Timeout(String message) {
            super(message);
        }
    }

    private final DockerClient client;
    private final DockerHttpClient http;
    private final ExecutorService pool;
    private final DockerClient stopClient;
    private final ExecutorService stopPool;
    private final DockerHttpClient sampleHttp;
    private final ExecutorService samplePool;

    public DockerCalls(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(THREADS * 2)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .build();
        client = DockerClientImpl.getInstance(config, http);
        pool = Executors.newFixedThreadPool(THREADS, daemons("berth-docker-"));
        stopClient = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(STOP_THREADS)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(STOP_RESPONSE_TIMEOUT)
                .build());
        stopPool = Executors.newFixedThreadPool(STOP_THREADS, daemons("berth-docker-stop-"));
        sampleHttp = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(SAMPLE_THREADS)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(SAMPLE_RESPONSE_TIMEOUT)
                .build();
        samplePool = Executors.newFixedThreadPool(SAMPLE_THREADS, daemons("berth-docker-sample-"));
    }

    private static java.util.concurrent.ThreadFactory daemons(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread t = new Thread(runnable, prefix + count.getAndIncrement());
            t.setDaemon(true);
            return t;
        };
    }

    /** Runs {@code call} with the default deadline; {@code what} names it in a timeout message ("inspect x"). */
    public <T> T call(String what, Function<DockerClient, T> call) {
        return call(what, CALL_TIMEOUT, call);
    }

    public <T> T call(String what, Duration timeout, Function<DockerClient, T> call) {
        return within(pool, what, timeout, () -> call.apply(client));
    }

    private static <T> T within(ExecutorService on, String what, Duration timeout,
                                java.util.concurrent.Callable<T> call) {
        Future<T> future = on.submit(call);
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new Timeout("the Docker engine did not finish \"" + what + "\" within " + timeout.toSeconds() + " s");
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for \"" + what + "\"", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException("\"" + what + "\" failed: " + cause, cause);
        }
    }

    /** Whether the image is present on this engine (no registry is asked). */
    public boolean imagePresent(String image) {
        try {
            call("inspect image " + image, c -> c.inspectImageCmd(image).exec());
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /**
     * Fails before anything is made, and without waiting for a pull that cannot succeed, when an image of the stack
     * is missing: "Image "x" is not present on {@code where} …{@code advice}".
     */
    public void requireImages(StackSpec spec, Progress progress, String where, String advice) throws BackendException {
        for (String image : new LinkedHashSet<>(spec.services().stream().map(StackSpec.ServiceSpec::image).toList())) {
            progress.step("Checking image " + image);
            if (!imagePresent(image)) {
                throw new BackendException("Image \"" + image + "\" is not present on " + where + " and no registry"
                        + " may be reachable from this host: " + advice);
            }
        }
    }

    /**
     * A GET of the Engine API answered with 200, as its JSON text, for the few fields docker-java's model lacks
     * (a task's network addresses and published ports). {@code path} includes the query, already encoded.
     */
    public String get(String what, String path) {
        return call(what, c -> get(http, what, path));
    }

    /**
     * {@link #get} on the pool and connection of usage readings, with its own deadline: a reading that hangs throws
     * {@link Timeout} after {@code timeout} (its thread is interrupted and its connection dropped), leaving the other
     * readings and every other engine call alone. A 404 is {@link NotFoundException} (the container is gone).
     */
    public String sample(String what, String path, Duration timeout) {
        return within(samplePool, what, timeout, () -> get(sampleHttp, what, path));
    }

    private static String get(DockerHttpClient client, String what, String path) {
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET).path(path).build();
        try (DockerHttpClient.Response response = client.execute(request)) {
            String body = new String(response.getBody().readAllBytes(), StandardCharsets.UTF_8);
            if (response.getStatusCode() == 404) {
                throw new NotFoundException("the Docker engine answered \"" + what + "\" with 404: " + body.strip());
            }
            if (response.getStatusCode() != 200) {
                throw new IllegalStateException("the Docker engine answered \"" + what + "\" with "
                        + response.getStatusCode() + ": " + body.strip());
            }
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Force-removes a container with its anonymous volumes (those an image's {@code VOLUME} makes; named volumes are
     * never removed with a container); one already gone (404) or already being removed (409) counts as removed.
     */
    public void removeContainer(String id) {
        try {
            call("remove container " + id,
                    c -> c.removeContainerCmd(id).withForce(true).withRemoveVolumes(true).exec());
        } catch (NotFoundException | ConflictException e) {
            LOG.debug("container {} already gone or going: {}", id, e.getMessage());
        }
    }

    /**
     * Stops a container the way {@code docker stop} does, on the stop pool: the engine sends the image's stop signal
     * (SIGTERM unless its {@code STOPSIGNAL} says otherwise), waits up to {@code graceSeconds} for the container to
     * exit, then kills it. Completes when the container no longer runs; one already stopped (304) or gone (404)
     * completes at once. The engine finishes a stop it has begun even when Berth goes away meanwhile.
     */
    public CompletableFuture<Void> stopContainer(String id, int graceSeconds) {
        return CompletableFuture.runAsync(() -> {
            try {
                stopClient.stopContainerCmd(id).withTimeout(graceSeconds).exec();
            } catch (NotModifiedException | NotFoundException e) {
                LOG.debug("container {} already stopped or gone: {}", id, e.getMessage());
            }
        }, stopPool);
    }

    /** Removes a network; one already gone (404) counts as removed. */
    public void removeNetwork(String idOrName) {
        try {
            call("remove network " + idOrName, c -> c.removeNetworkCmd(idOrName).exec());
        } catch (NotFoundException e) {
            LOG.debug("network \"{}\" already gone", idOrName);
        }
    }

    /**
     * Removes a volume; one already gone (404) counts as removed. One still in use (409: a container Berth did not
     * make mounts it) is an error, so the data is not silently left behind.
     */
    public void removeVolume(String name) {
        try {
            call("remove volume " + name, c -> c.removeVolumeCmd(name).exec());
        } catch (NotFoundException e) {
            LOG.debug("volume \"{}\" already gone", name);
        } catch (ConflictException e) {
            throw new IllegalStateException("volume \"" + name + "\" is still in use by a container Berth did not"
                    + " start, so it was kept: " + e.getMessage(), e);
        }
    }

    /** The volume of exactly that name, or null. */
    public InspectVolumeResponse volumeNamed(String name) {
        try {
            InspectVolumeResponse volume = call("inspect volume " + name, c -> c.inspectVolumeCmd(name).exec());
            return name.equals(volume.getName()) ? volume : null;
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The network of exactly that name, or null (the engine also resolves id prefixes; those do not count). */
    public Network networkNamed(String name) {
        try {
            Network network = call("inspect network " + name,
                    c -> c.inspectNetworkCmd().withNetworkId(name).exec());
            return name.equals(network.getName()) ? network : null;
        } catch (NotFoundException e) {
            return null;
        }
    }

    /** The container of exactly that name, or null. */
    public InspectContainerResponse containerNamed(String name) {
        try {
            InspectContainerResponse container = call("inspect container " + name,
                    c -> c.inspectContainerCmd(name).exec());
            return ("/" + name).equals(container.getName()) ? container : null;
        } catch (NotFoundException e) {
            return null;
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
        stopPool.shutdownNow();
        samplePool.shutdownNow();
        try {
            client.close();
            stopClient.close();
            sampleHttp.close();
        } catch (IOException e) {
            // Closing the connection pool of a client we no longer use; nothing left to do with the error.
        }
    }
}
