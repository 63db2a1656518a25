package io.berth.backend.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * Every docker-java call of the backend, run on one bounded pool with a deadline (like dockerspawner's executor
 * wrapper): a hung engine then costs a caller at most {@link #CALL_TIMEOUT}, never a thread forever, and no more
 * than {@link #THREADS} requests are in flight at once. docker-java's own exceptions ({@code NotFoundException},
 * {@code ConflictException}, …) reach the caller unchanged.
 */
final class DockerCalls implements AutoCloseable {
    static final int THREADS = 8;
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    /** A little longer than the HTTP response timeout, so the transport's own, clearer error usually wins. */
    static final Duration CALL_TIMEOUT = RESPONSE_TIMEOUT.plusSeconds(5);

    /** A call that did not finish within its deadline. */
    static final class Timeout extends RuntimeException {
        Timeout(String message) {
            super(message);
        }
    }

    private final DockerClient client;
    private final ExecutorService pool;

    DockerCalls(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host)
                .build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(THREADS * 2)
                .connectionTimeout(CONNECT_TIMEOUT)
                .responseTimeout(RESPONSE_TIMEOUT)
                .build();
        client = DockerClientImpl.getInstance(config, http);
        AtomicInteger count = new AtomicInteger();
        pool = Executors.newFixedThreadPool(THREADS, runnable -> {
            Thread t = new Thread(runnable, "berth-docker-" + count.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs {@code call} with the default deadline; {@code what} names it in a timeout message ("inspect x"). */
    <T> T call(String what, Function<DockerClient, T> call) {
        return call(what, CALL_TIMEOUT, call);
    }

    <T> T call(String what, Duration timeout, Function<DockerClient, T> call) {
        Future<T> future = pool.submit(() -> call.apply(client));
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

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            client.close();
        } catch (IOException e) {
            // Closing the connection pool of a client we no longer use; nothing left to do with the error.
        }
    }
}
