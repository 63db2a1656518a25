package io.berth.proxy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.AbstractConnection;
import org.eclipse.jetty.io.ByteBufferPool;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.RetainableByteBuffer;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * Both halves of an upgraded connection (a WebSocket after its handshake): bytes read on one side are written to
 * the other, unchanged, so frames, pings, close codes and subprotocols pass exactly as the two ends speak them. Each
 * direction holds at most one buffer: the next read waits until the last write finished, so a slow reader slows its
 * writer instead of making Berth buffer (backpressure by TCP). When one side ends its output, the other side's
 * output is shut; when either fails or closes, both close.
 */
final class Tunnel {
    private static final int BUFFER = 32 * 1024;

    /** Told about every chunk of bytes that passes, in either direction (activity for idle culling). */
    interface Activity {
        void bytes(int count);
    }

    private final Half client;
    private final Half backend;

    /**
     * @param clientEnd  the browser's connection, upgraded once the 101 answer has been written to it
     * @param backendEnd the service's connection, already upgraded
     */
    Tunnel(EndPoint clientEnd, EndPoint backendEnd, Executor executor, ByteBufferPool pool, Activity activity,
           AtomicInteger open) {
        client = new Half(clientEnd, executor, pool, activity, "client", open);
        backend = new Half(backendEnd, executor, pool, activity, "backend", null);
        client.peer = backend;
        backend.peer = client;
    }

    /** Runs {@code action} once the browser's side has closed. */
    void onClosed(Runnable action) {
        client.onClosed = action;
    }

    /** Ends the tunnel: both connections close, whatever is in flight. */
    void close() {
        client.getEndPoint().close();
        backend.getEndPoint().close();
    }

    /** Takes over the service's connection now; its bytes wait until {@link #clientConnection()} opens. */
    void attachBackend(EndPoint backendEnd) {
        backendEnd.upgrade(backend);
    }

    /** The connection to hand to Jetty for the browser's side (set as the request's upgrade connection). */
    Connection clientConnection() {
        return client;
    }

    private static final class Half extends AbstractConnection implements Connection.UpgradeTo {
        private final ByteBufferPool pool;
        private final Activity activity;
        private final String name;
        private volatile Runnable onClosed;
        /** Set on the browser's side, which opens last: counts open tunnels. */
        private final AtomicInteger open;
        private final Pump pump = new Pump();
        private Half peer;
        private ByteBuffer early;

        Half(EndPoint endPoint, Executor executor, ByteBufferPool pool, Activity activity, String name,
             AtomicInteger open) {
            super(endPoint, executor);
            this.pool = pool;
            this.activity = activity;
            this.name = name;
            this.open = open;
        }

        @Override
        public void onUpgradeTo(ByteBuffer buffer) {
            // bytes that arrived with the handshake (a frame sent right behind it); copied: the buffer is pooled
            early = BufferUtil.isEmpty(buffer) ? null : BufferUtil.copy(buffer);
        }

        @Override
        public void onOpen() {
            super.onOpen();
            if (open != null) {
                open.incrementAndGet();
                // the browser's side opens after the 101 went out: only now may bytes flow either way
                start();
                peer.start();
            }
        }

        private void start() {
            ByteBuffer first = early;
            early = null;
            if (first == null) {
                fillInterested();
                return;
            }
            activity.bytes(first.remaining());
            peer.getEndPoint().write(Callback.from(this::fillInterested, this::fail), first);
        }

        @Override
        public void onFillable() {
            pump.iterate();
        }

        @Override
        public void onClose(Throwable cause) {
            super.onClose(cause);
            if (open != null) {
                open.decrementAndGet();
            }
            if (onClosed != null) {
                onClosed.run();
            }
            peer.getEndPoint().close(cause);
        }

        private void fail(Throwable cause) {
            getEndPoint().close(cause);
            peer.getEndPoint().close(cause);
        }

        @Override
        public String toConnectionString() {
            return "Tunnel." + name + "@" + Integer.toHexString(hashCode());
        }

        /** Read, write to the peer, wait for the write, repeat; one buffer in flight per direction. */
        private final class Pump extends IteratingCallback {
            private RetainableByteBuffer buffer;

            @Override
            protected Action process() {
                buffer = pool.acquire(BUFFER, true);
                ByteBuffer bytes = buffer.getByteBuffer();
                try {
                    int read = getEndPoint().fill(bytes);
                    if (read > 0) {
                        activity.bytes(read);
                        peer.getEndPoint().write(this, bytes);
                        return Action.SCHEDULED;
                    }
                    release();
                    if (read == 0) {
                        fillInterested(this);
                        return Action.SCHEDULED;
                    }
                    peer.getEndPoint().shutdownOutput(); // end of stream: pass the half-close on
                    return Action.SUCCEEDED;
                } catch (IOException e) {
                    release();
                    fail(e);
                    return Action.SUCCEEDED;
                }
            }

            @Override
            protected void onSuccess() {
                release();
            }

            @Override
            protected void onCompleteFailure(Throwable cause) {
                release();
                fail(cause);
            }

            private void release() {
                if (buffer != null) {
                    buffer.release();
                    buffer = null;
                }
            }

            @Override
            public InvocationType getInvocationType() {
                return InvocationType.NON_BLOCKING;
            }
        }
    }
}
