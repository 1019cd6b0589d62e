package io.bess.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import org.HdrHistogram.Histogram;

/** N client connections spread over a few selector threads, plus their merged figures. */
public final class Clients implements AutoCloseable {
    /** What kind of client to open for index i. */
    public sealed interface Spec permits Ws, Sse, Resp { }

    /** A WebSocket client of {@code pathAndQuery}; {@code stalled} ones never read. */
    public record Ws(String pathAndQuery, boolean stalled) implements Spec { }

    /** A Server-Sent Events client of {@code pathAndQuery} ({@code /sse...}); {@code stalled} ones never read. */
    public record Sse(String pathAndQuery, boolean stalled) implements Spec { }

    /** A plain Redis subscriber of the given batteries' channels. */
    public record Resp(int[] batteries, int maxBattery, boolean stalled) implements Spec { }

    /** Connect phase result: connect times of the clients that read (stalled ones excluded). */
    public record ConnectResult(int attempted, int connected, Histogram connectMicros, double wallSeconds) { }

    private final Loop[] loops;
    private final Semaphore inFlight;
    private final String host;
    private final int port;
    private final List<Conn> measuredConns = new ArrayList<>();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    public Clients(int threadCount, int maxInFlight, String host, int port) throws IOException {
        this.inFlight = new Semaphore(maxInFlight);
        this.loops = new Loop[threadCount];
        for (int i = 0; i < threadCount; i++) {
            loops[i] = new Loop("client-loop-" + i, inFlight);
        }
        this.host = host;
        this.port = port;
    }

    /** Opens {@code n} connections (at most maxInFlight handshakes at once) and waits until all are ready. */
    public ConnectResult connect(int n, IntFunction<Spec> spec, long timeoutMs) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        long start = System.nanoTime();
        List<Conn> opened = new ArrayList<>(n);
        InetSocketAddress addr = new InetSocketAddress(host, port);
        for (int i = 0; i < n; i++) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || !inFlight.tryAcquire(left, TimeUnit.NANOSECONDS)) {
                break;
            }
            Spec s = spec.apply(i);
            Conn c;
            boolean stalled;
            if (s instanceof Ws ws) {
                c = new WsConn(host, port, ws.pathAndQuery(), ws.stalled());
                stalled = ws.stalled();
            } else if (s instanceof Sse sse) {
                c = new SseConn(host, port, sse.pathAndQuery(), sse.stalled());
                stalled = sse.stalled();
            } else {
                Resp r = (Resp) s;
                c = new RespConn(r.batteries(), r.maxBattery(), r.stalled());
                stalled = r.stalled();
            }
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (stalled) {
                ch.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            }
            c.channel = ch;
            c.connectStartNanos = System.nanoTime();
            try {
                ch.connect(addr);
            } catch (IOException e) {
                ch.close();
                inFlight.release();
                continue;
            }
            opened.add(c);
            loops[i % loops.length].add(c);
        }
        // wait for the stragglers
        while (System.nanoTime() < deadline) {
            if (countSettled(opened) == opened.size()) {
                break;
            }
            Thread.sleep(5);
        }
        double wall = (System.nanoTime() - start) / 1e9;
        Histogram h = new Histogram(3_600_000_000L, 3);
        int connected = 0;
        for (Conn c : opened) {
            if (c.ready && !c.neverReads()) {
                h.recordValue(Math.max(0, (c.readyNanos - c.connectStartNanos) / 1000));
            }
            if (c.ready) {
                connected++;
            }
            if (!c.neverReads()) {
                measuredConns.add(c);
            }
        }
        return new ConnectResult(n, connected, h, wall);
    }

    private static int countSettled(List<Conn> conns) {
        int k = 0;
        for (Conn c : conns) {
            // plain reads of fields written by loop threads: only used to stop waiting early
            if (c.ready || c.failed) {
                k++;
            }
        }
        return k;
    }

    public void setSchedule(Schedule s) {
        for (Loop l : loops) {
            l.schedule = s;
        }
    }

    /** Measured update frames delivered so far (approximate while running). */
    public long progress() {
        long p = 0;
        for (Loop l : loops) {
            p += l.progress;
        }
        return p;
    }

    /** CPU time of the selector threads, ns. */
    public long loopCpuNanos() {
        long t = 0;
        for (Loop l : loops) {
            long v = threads.getThreadCpuTime(l.threadId());
            t += Math.max(0, v);
        }
        return t;
    }

    /** Figures after stop. */
    public record Totals(Histogram latencyMicros, long delivered, long deliveredAll, long unparsed, long closedByPeer,
                         int stillOpen, long duplicates, long[] byBattery, long[] bySecond, long pings) { }

    /** Stops the loops, closes every socket (RST, so no TIME_WAIT piles up), merges the figures. */
    public Totals stop() throws InterruptedException {
        Histogram h = new Histogram(3_600_000_000L, 3);
        long delivered = 0;
        long all = 0;
        long unparsed = 0;
        long closed = 0;
        long dup = 0;
        long pings = 0;
        long[] byBattery = new long[257];
        long[] bySecond = new long[64];
        for (Loop l : loops) {
            dup += l.duplicates;
            pings += l.pings;
            for (int i = 0; i < byBattery.length; i++) {
                byBattery[i] += l.byBattery[i];
            }
            for (int i = 0; i < bySecond.length; i++) {
                bySecond[i] += l.bySecond[i];
            }
            l.stop();
            h.add(l.latency);
            delivered += l.delivered;
            all += l.deliveredAll;
            unparsed += l.unparsed;
            closed += l.closedByPeer;
        }
        int open = 0;
        for (Conn c : measuredConns) {
            if (c.ready && !c.failed) {
                open++;
            }
        }
        for (Loop l : loops) {
            l.closeAll();
        }
        return new Totals(h, delivered, all, unparsed, closed, open, dup, byBattery, bySecond, pings);
    }

    @Override
    public void close() throws InterruptedException {
        for (Loop l : loops) {
            l.stop();
            l.closeAll();
        }
    }
}
