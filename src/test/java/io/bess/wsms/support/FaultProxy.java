package io.bess.wsms.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A TCP proxy that injects network faults between the service and Redis: the service's {@code redis.host/port}
 * point at {@link #port()}, every connection it opens (pooled reads and pub/sub subscribers alike) is forwarded to
 * the real Redis, and the test switches faults on and off while they run. A fault applies at once to every live
 * connection and to every new one, until {@link #clear()}.
 *
 * <p>Each connection is a pair of pumps, one per direction; a pump is a reader (a virtual thread that reads the
 * socket as fast as the data comes and stamps each chunk with the time it was read) and a sender (a virtual thread
 * that delivers the chunks in order, each when the fault allows it). The faults:
 * <ul>
 *     <li>{@link #latency}: each chunk is delivered that long after it was read, in order, both directions.</li>
 *     <li>{@link #stall}: nothing is delivered until {@link #clear()}; chunks (and a FIN) read meanwhile are
 *     buffered and flow, in order, once it clears.</li>
 *     <li>{@link #reset}: an action, not a state: every live connection is reset (SO_LINGER 0, then close: both
 *     Redis and the service get an RST); connections opened afterwards work normally.</li>
 *     <li>{@link #bandwidth}: each direction of the link as a whole (all connections together, as one slow link
 *     would be) is limited by a token bucket refilled at that many bytes per second, bursts of at most
 *     {@value #BURST_MILLIS} ms worth.</li>
 *     <li>{@link #halfOpen}: the path silently eats everything, as a dead link or a firewall that dropped its
 *     connection state would: every live connection is black-holed (its bytes are read and dropped in both
 *     directions, rather than left unread, so that neither end's buffers fill up and Redis never cuts a subscriber
 *     for its output buffer: the fault stays pure silence; no FIN and no RST reaches either end, whatever
 *     happens), and so is every connection accepted
 *     while the fault lasts (the service's connect succeeds, its commands are never answered). {@link #clear()}
 *     ends the fault for connections opened afterwards, which work normally; a connection that was black-holed
 *     stays black-holed for good, because bytes were dropped from its stream and whatever came after them would be
 *     garbage to Redis and to Jedis. It lives until the service gives up on it and closes it (then the proxy
 *     closes its Redis side too, so that Redis does not keep it).</li>
 * </ul>
 * A connection that ends on one side without a fault (FIN or RST) ends the same way on the other side, after the
 * data read before it.
 *
 * <p>JDK only, on purpose: the bench's chaos scenario compiles this very file into its own jar (see
 * {@code bench/pom.xml}), so it must not use test libraries.
 */
public final class FaultProxy implements AutoCloseable {
    /** The burst a bandwidth limit allows, in milliseconds of its rate. */
    public static final int BURST_MILLIS = 50;
    private static final int CHUNK = 16 * 1024;
    private static final int QUEUED_CHUNKS = 1024;

    /** Which way bytes flow. */
    public enum Direction {
        /** From the service to Redis (commands). */
        TO_REDIS,
        /** From Redis to the service (replies, published messages). */
        TO_SERVICE
    }

    private final InetSocketAddress target;
    private final ServerSocket listener;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final ReentrantLock lock = new ReentrantLock();
    /** Signalled whenever a fault changes, so that waiting senders look again. */
    private final Condition changed = lock.newCondition();
    private final AtomicLong[] forwarded = {new AtomicLong(), new AtomicLong()};
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread acceptor;
    // guarded by lock
    private long latencyNanos;
    private boolean stalled;
    private boolean halfOpen;
    private final TokenBucket[] buckets = new TokenBucket[2];

    private FaultProxy(InetSocketAddress target, ServerSocket listener) {
        this.target = target;
        this.listener = listener;
        this.acceptor = Thread.ofVirtual().name("fault-proxy-accept").start(this::accept);
    }

    /**
     * Starts a proxy on a free loopback port in front of a server.
     *
     * @param host the server's host (Redis)
     * @param port the server's port
     * @return the running proxy, with no fault
     */
    public static FaultProxy start(String host, int port) {
        try {
            ServerSocket listener = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
            return new FaultProxy(new InetSocketAddress(host, port), listener);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port to point the service at. */
    public int port() {
        return listener.getLocalPort();
    }

    /**
     * Delays every chunk by this much after it was read, in order, in both directions.
     *
     * @param delay the latency added to each direction
     */
    public void latency(Duration delay) {
        change(() -> latencyNanos = delay.toNanos());
    }

    /** Forwards nothing until {@link #clear()}; what is read meanwhile flows then. */
    public void stall() {
        change(() -> stalled = true);
    }

    /**
     * Limits each direction of the link (all connections together) to this rate.
     *
     * @param bytesPerSecond bytes per second per direction
     */
    public void bandwidth(int bytesPerSecond) {
        change(() -> {
            buckets[0] = new TokenBucket(bytesPerSecond);
            buckets[1] = new TokenBucket(bytesPerSecond);
        });
    }

    /** Black-holes every live connection, and every new one until {@link #clear()} (see the class comment). */
    public void halfOpen() {
        change(() -> {
            halfOpen = true;
            links.forEach(link -> link.blackHoled = true);
        });
    }

    /** Resets every live connection now (both ends get an RST); new connections work. */
    public void reset() {
        for (Link link : links) {
            link.reset();
        }
    }

    /**
     * Ends every fault: chunks held back flow at once, in order, and new connections work. Connections black-holed
     * by {@link #halfOpen()} stay black-holed until the service closes them.
     */
    public void clear() {
        change(() -> {
            latencyNanos = 0;
            stalled = false;
            halfOpen = false;
            buckets[0] = null;
            buckets[1] = null;
        });
    }

    /** Connections open now that forward normally (not black-holed). */
    public int liveConnections() {
        return (int) links.stream().filter(link -> !link.blackHoled).count();
    }

    /** Black-holed connections the service has not closed yet. */
    public int blackHoledConnections() {
        return (int) links.stream().filter(link -> link.blackHoled).count();
    }

    /** Connections accepted since the start. */
    public long acceptedConnections() {
        return accepted.get();
    }

    /**
     * Bytes delivered so far in one direction.
     *
     * @param direction which way
     * @return bytes written to the receiving side
     */
    public long forwarded(Direction direction) {
        return forwarded[direction.ordinal()].get();
    }

    /** Stops accepting and resets every connection. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            reset();
            clear();
            acceptor.interrupt();
        }
    }

    private void change(Runnable update) {
        lock.lock();
        try {
            update.run();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void accept() {
        while (!closed.get()) {
            Socket service;
            try {
                service = listener.accept();
            } catch (IOException e) {
                return;
            }
            accepted.incrementAndGet();
            Thread.ofVirtual().name("fault-proxy-connect").start(() -> open(service));
        }
    }

    private void open(Socket service) {
        Socket redis = new Socket();
        try {
            service.setTcpNoDelay(true);
            redis.setTcpNoDelay(true);
            redis.connect(target, 5_000);
        } catch (IOException e) {
            // Redis itself is unreachable: the service sees its connection refused the way a direct one would be
            Link.resetQuietly(service);
            Link.resetQuietly(redis);
            return;
        }
        Link link = new Link(service, redis);
        lock.lock();
        try {
            link.blackHoled = halfOpen;
        } finally {
            lock.unlock();
        }
        links.add(link);
        if (closed.get()) {
            link.reset();
            return;
        }
        link.start();
    }

    /** Waits until a chunk read at {@code readNanos} may leave; false when its connection ended or went dark. */
    private boolean awaitDelivery(Link link, long readNanos) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (link.ended.get() || link.blackHoled) {
                    return false;
                }
                long wait = readNanos + latencyNanos - System.nanoTime();
                if (wait > 0) {
                    changed.awaitNanos(wait);
                } else if (stalled) {
                    changed.await();
                } else {
                    return true;
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits for the direction's bandwidth and takes it: all of {@code wanted}, or one burst when that is less.
     *
     * @return how many bytes may be sent now
     */
    private int awaitBandwidth(Link link, Direction direction, int wanted) throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                TokenBucket bucket = buckets[direction.ordinal()];
                if (bucket == null || link.ended.get()) {
                    return wanted;
                }
                int piece = bucket.piece(wanted);
                long wait = bucket.take(piece, System.nanoTime());
                if (wait == 0) {
                    return piece;
                }
                changed.awaitNanos(wait);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Bytes read from one side, or how that side's stream ended (then no bytes), with the time it was read. */
    private record Chunk(byte[] bytes, long readNanos, End end) {
        static Chunk data(byte[] bytes) {
            return new Chunk(bytes, System.nanoTime(), End.NONE);
        }

        static Chunk end(End end) {
            return new Chunk(new byte[0], System.nanoTime(), end);
        }
    }

    /** How a side's stream ended: a FIN (orderly), an RST or an error (abrupt), or not yet. */
    private enum End { NONE, FIN, RST }

    /** One proxied connection: the service's socket and the proxy's own socket to Redis. */
    private final class Link {
        private final Socket service;
        private final Socket redis;
        private final AtomicBoolean ended = new AtomicBoolean();
        /** Both directions' FINs were delivered: the link is over. */
        private final AtomicLong finsDelivered = new AtomicLong();
        /** Set by a half-open fault and never cleared: the stream has lost bytes. */
        private volatile boolean blackHoled;

        Link(Socket service, Socket redis) {
            this.service = service;
            this.redis = redis;
        }

        void start() {
            pump(service, redis, Direction.TO_REDIS);
            pump(redis, service, Direction.TO_SERVICE);
        }

        private void pump(Socket from, Socket to, Direction direction) {
            BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>(QUEUED_CHUNKS);
            Thread.ofVirtual().name("fault-proxy-read-" + direction).start(() -> read(from, queue));
            Thread.ofVirtual().name("fault-proxy-send-" + direction).start(() -> send(queue, to, direction));
        }

        /** Reads as fast as the data comes, so that each chunk's time is when it arrived. */
        private void read(Socket from, BlockingQueue<Chunk> queue) {
            byte[] buffer = new byte[CHUNK];
            try {
                InputStream in = from.getInputStream();
                while (true) {
                    int n = in.read(buffer);
                    if (n < 0) {
                        enqueue(queue, Chunk.end(End.FIN));
                        return;
                    }
                    if (!blackHoled && !enqueue(queue, Chunk.data(Arrays.copyOf(buffer, n)))) {
                        return;
                    }
                }
            } catch (IOException e) {
                enqueue(queue, Chunk.end(End.RST));
            }
        }

        /** Queues a chunk, waiting while the queue is full; false when the link ended meanwhile. */
        private boolean enqueue(BlockingQueue<Chunk> queue, Chunk chunk) {
            try {
                while (!ended.get()) {
                    if (queue.offer(chunk, 1, TimeUnit.SECONDS)) {
                        return true;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return false;
        }

        private void send(BlockingQueue<Chunk> queue, Socket to, Direction direction) {
            try {
                OutputStream out = to.getOutputStream();
                while (!ended.get()) {
                    Chunk chunk = queue.poll(1, TimeUnit.SECONDS);
                    if (chunk == null) {
                        continue;
                    }
                    if (blackHoled) {
                        // no FIN, no RST towards the service; once the service itself has gone, Redis is let go
                        if (chunk.end() != End.NONE && direction == Direction.TO_REDIS) {
                            close();
                        }
                        continue;
                    }
                    if (!awaitDelivery(this, chunk.readNanos())) {
                        continue;
                    }
                    if (chunk.end() == End.RST) {
                        // the sending side broke: the other one learns it the same way, after what came before
                        reset();
                        return;
                    }
                    if (chunk.end() == End.FIN) {
                        to.shutdownOutput();
                        if (finsDelivered.incrementAndGet() == 2) {
                            close();
                        }
                        return;
                    }
                    write(out, chunk.bytes(), direction);
                }
            } catch (IOException e) {
                // the receiving side is gone: the sending side learns it as an RST, as through a real path
                if (!blackHoled) {
                    reset();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        private void write(OutputStream out, byte[] bytes, Direction direction) throws IOException,
                InterruptedException {
            int offset = 0;
            while (offset < bytes.length) {
                int n = awaitBandwidth(this, direction, bytes.length - offset);
                out.write(bytes, offset, n);
                out.flush();
                forwarded[direction.ordinal()].addAndGet(n);
                offset += n;
            }
        }

        /** RST to both ends. */
        void reset() {
            if (ended.compareAndSet(false, true)) {
                resetQuietly(service);
                resetQuietly(redis);
                links.remove(this);
                change(() -> { });
            }
        }

        /** An orderly close of both sockets. */
        void close() {
            if (ended.compareAndSet(false, true)) {
                closeQuietly(service);
                closeQuietly(redis);
                links.remove(this);
                change(() -> { });
            }
        }

        static void resetQuietly(Socket socket) {
            try {
                socket.setSoLinger(true, 0);
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(socket);
        }

        private static void closeQuietly(Socket socket) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // already closed
            }
        }
    }

    /** Bytes per second with a small burst; touched only under the proxy's lock. */
    private static final class TokenBucket {
        private final double perNano;
        private final int capacity;
        private double tokens;
        private long lastNanos = System.nanoTime();

        TokenBucket(int bytesPerSecond) {
            this.perNano = bytesPerSecond / 1e9;
            this.capacity = (int) Math.max(1, (long) bytesPerSecond * BURST_MILLIS / 1000);
            this.tokens = capacity;
        }

        /** The most that one write may send: a burst. */
        int piece(int wanted) {
            return Math.min(wanted, capacity);
        }

        /** Takes {@code n} bytes' worth when available and returns 0, else returns how long until they are. */
        long take(int n, long nowNanos) {
            tokens = Math.min(capacity, tokens + (nowNanos - lastNanos) * perNano);
            lastNanos = nowNanos;
            if (tokens >= n) {
                tokens -= n;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((n - tokens) / perNano));
        }
    }
}
