package io.bess.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Plays the upstream writer: {@code HSET battery:{id}:data timestamp .. seq ..} then
 * {@code PUBLISH battery:{id}:data updates}, pipelined on one connection. Every reply here is one line,
 * so a reader thread only counts newlines to know what Redis has processed.
 */
public final class Publisher implements AutoCloseable {
    private final SocketChannel channel;
    private final Thread drainer;
    private final AtomicLong replies = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private long sent;
    private ByteBuffer out = ByteBuffer.allocate(1 << 16);
    private volatile long maxLagNanos;
    private volatile long published;
    private volatile long superseded;

    public Publisher(String host, int port) throws IOException {
        channel = SocketChannel.open(new InetSocketAddress(host, port));
        channel.socket().setTcpNoDelay(true);
        drainer = Thread.ofPlatform().daemon().name("publisher-replies").start(this::drain);
        // named, so that counting the server's Redis connections (CLIENT LIST) can leave the bench's own out
        command("CLIENT", "SETNAME", "bench-writer");
        flush();
    }

    private void drain() {
        ByteBuffer in = ByteBuffer.allocateDirect(1 << 16);
        boolean lineStart = true;
        try {
            while (true) {
                in.clear();
                int n = channel.read(in);
                if (n < 0) {
                    return;
                }
                long lines = 0;
                for (int i = 0; i < n; i++) {
                    byte b = in.get(i);
                    if (lineStart && b == '-') {
                        errors.incrementAndGet();
                    }
                    lineStart = b == '\n';
                    if (lineStart) {
                        lines++;
                    }
                }
                replies.addAndGet(lines);
            }
        } catch (IOException e) {
            // closed
        }
    }

    /**
     * Registers battery ids 1..n ({@code SADD info:batteries:ids}, as the pipeline announces a battery) and gives
     * each a first state, so snapshots are non-empty; returns when Redis has answered all of it. The service learns
     * the ids by its battery poll; the suite then waits until it has subscribed the channels the clients want.
     */
    public void prepopulate(int batteries) throws IOException {
        for (int id = 1; id <= batteries; id++) {
            command("SADD", "info:batteries:ids", Integer.toString(id));
            hset(id, System.currentTimeMillis(), -1);
        }
        flush();
        awaitReplies(10_000);
    }

    public void command(String... args) {
        ensure(64 + args.length * 32);
        putRaw("*" + args.length + "\r\n");
        for (String a : args) {
            bulk(a);
        }
        sent++;
    }

    private void hset(int battery, long timestampMs, long seq) {
        long x = seq < 0 ? battery : seq;
        command("HSET", "battery:" + battery + ":data",
                "timestamp", Long.toString(timestampMs),
                "voltage", Long.toString(x % 601),
                "current", Long.toString(x % 201),
                "temperature", Long.toString(x % 1101 - 100),
                "state_of_charge", Long.toString(x % 101),
                "state_of_health", Long.toString(100 - x % 101),
                "seq", Long.toString(seq));
    }

    private void publish(int battery) {
        command("PUBLISH", "battery:" + battery + ":data", "updates");
    }

    /** Sends every update of the schedule when it is due; returns when the last one is sent. */
    public void run(Schedule s) throws IOException {
        long seq = 0;
        long total = s.total();
        long maxLag = 0;
        while (seq < total) {
            long now = System.nanoTime();
            long dueSeq = seq;
            while (dueSeq < total && s.due(dueSeq) <= now) {
                dueSeq++;
            }
            if (dueSeq == seq) {
                LockSupport.parkNanos(s.due(seq) - now);
                continue;
            }
            // a catch-up burst (the writer woke late) holds several updates of one battery: a server that re-reads
            // the hash after each publish may find only the newest, so the older ones cannot be delivered by anyone
            for (long q = seq; q < dueSeq - s.batteries(); q++) {
                if (s.measured(q)) {
                    superseded++;
                }
            }
            for (long q = seq; q < dueSeq; q++) {
                int b = s.battery(q);
                hset(b, s.dueEpochMs(q), q);
                publish(b);
            }
            maxLag = Math.max(maxLag, now - s.due(seq));
            flush();
            seq = dueSeq;
            published = seq;
        }
        maxLagNanos = maxLag;
    }

    /** Measured updates sent in the same write as a newer update of the same battery (writer catch-up). */
    public long superseded() {
        return superseded;
    }

    public long published() {
        return published;
    }

    /** Largest delay between an update's due time and the moment the writer woke to send it. */
    public long maxLagNanos() {
        return maxLagNanos;
    }

    public long errors() {
        return errors.get();
    }

    public void awaitReplies(long timeoutMs) throws IOException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (replies.get() < sent) {
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("Redis answered " + replies.get() + " of " + sent + " commands in time");
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    private void flush() throws IOException {
        out.flip();
        while (out.hasRemaining()) {
            channel.write(out);
        }
        out.clear();
    }

    private void ensure(int n) {
        if (out.remaining() < n) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(out.capacity() * 2, out.position() + n));
            out.flip();
            bigger.put(out);
            out = bigger;
        }
    }

    private void bulk(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        putRaw("$" + b.length + "\r\n");
        ensure(b.length + 2);
        out.put(b).put((byte) '\r').put((byte) '\n');
    }

    private void putRaw(String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        ensure(b.length);
        out.put(b);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
