package io.bess.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;

import org.HdrHistogram.Histogram;

/**
 * One selector thread serving thousands of client sockets. All counters are owned by this thread; the
 * orchestrator reads them after {@link #stop()} (join gives the happens-before), or reads the volatile
 * progress counter while waiting for stragglers.
 */
final class Loop implements Runnable {
    private final Selector selector;
    private final ConcurrentLinkedQueue<Conn> incoming = new ConcurrentLinkedQueue<>();
    private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(1 << 16);
    private final Semaphore inFlight;
    private final Thread thread;
    private volatile boolean running = true;
    volatile Schedule schedule;

    final List<Conn> conns = new ArrayList<>();
    final Histogram latency = new Histogram(3_600_000_000L, 3); // microseconds, up to an hour
    long delivered;            // update frames for measured seqs
    long deliveredAll;         // any update frame
    long unparsed;             // update frames without a sequence
    long duplicates;           // measured updates received a second time (a server re-read a newer state)
    final long[] byBattery = new long[257];   // measured deliveries by battery id (diagnostics)
    final long[] bySecond = new long[64];     // measured deliveries by second of the window the update was due in
    long closedByPeer;
    long pings;                // server pings received (and answered)
    volatile long progress;    // == delivered, published once per read

    Loop(String name, Semaphore inFlight) throws IOException {
        this.selector = Selector.open();
        this.inFlight = inFlight;
        this.thread = Thread.ofPlatform().name(name).daemon().start(this);
    }

    long threadId() {
        return thread.threadId();
    }

    void add(Conn c) {
        c.loop = this;
        incoming.add(c);
        selector.wakeup();
    }

    void onReady(Conn c) {
        inFlight.release();
    }

    void onFailed(Conn c) {
        if (!c.ready) {
            inFlight.release();
        }
        try {
            if (c.key != null) {
                c.key.cancel();
            }
            c.channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Records one update frame for {@code seq}, received at {@code now}; each update counts once per client. */
    void record(Conn c, long seq, long now) {
        deliveredAll++;
        Schedule s = schedule;
        if (s != null && s.measured(seq)) {
            int idx = (int) (seq - s.measureFromSeq());
            if (c.seenFor != s) {
                c.seen = new java.util.BitSet((int) s.measuredCount());
                c.seenFor = s;
            }
            if (c.seen.get(idx)) {
                duplicates++;
                return;
            }
            c.seen.set(idx);
            delivered++;
            byBattery[Math.min(s.battery(seq), 256)]++;
            bySecond[(int) Math.min(63, Math.max(0, (s.due(seq) - s.measureStartNanos()) / 1_000_000_000L))]++;
            long micros = Math.max(0, (now - s.due(seq) + 999) / 1000);
            latency.recordValue(Math.min(micros, latency.getHighestTrackableValue()));
        }
    }

    @Override
    public void run() {
        while (running) {
            try {
                selector.select(50);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Conn c;
            while ((c = incoming.poll()) != null) {
                register(c);
            }
            Iterator<SelectionKey> it = selector.selectedKeys().iterator();
            while (it.hasNext()) {
                SelectionKey key = it.next();
                it.remove();
                Conn conn = (Conn) key.attachment();
                try {
                    if (!key.isValid()) {
                        continue;
                    }
                    if (key.isConnectable()) {
                        if (conn.channel.finishConnect()) {
                            key.interestOps(conn.neverReads() ? 0 : SelectionKey.OP_READ);
                            conn.onConnected();
                        }
                    } else {
                        if (key.isWritable()) {
                            conn.onWritable();
                        }
                        if (key.isValid() && key.isReadable()) {
                            read(conn);
                        }
                    }
                } catch (IOException | RuntimeException e) {
                    conn.fail();
                }
            }
            progress = delivered;
        }
    }

    private void register(Conn c) {
        try {
            c.key = c.channel.register(selector, SelectionKey.OP_CONNECT, c);
            conns.add(c);
            if (c.channel.isConnected()) {
                c.key.interestOps(c.neverReads() ? 0 : SelectionKey.OP_READ);
                c.onConnected();
            }
        } catch (IOException e) {
            conns.add(c);
            c.fail();
        }
    }

    private void read(Conn conn) throws IOException {
        ByteBuffer buf = readBuffer;
        for (int i = 0; i < 4; i++) {
            buf.clear();
            int n = conn.channel.read(buf);
            if (n < 0) {
                conn.closedByPeer = true;
                closedByPeer++;
                conn.fail();
                return;
            }
            if (n == 0) {
                return;
            }
            buf.flip();
            conn.onBytes(buf, System.nanoTime());
            if (n < buf.capacity()) {
                return;
            }
        }
    }

    /** Stops the thread; afterwards counters may be read and sockets closed by the caller. */
    void stop() throws InterruptedException {
        running = false;
        selector.wakeup();
        thread.join();
    }

    void closeAll() {
        for (Conn c : conns) {
            try {
                c.channel.setOption(java.net.StandardSocketOptions.SO_LINGER, 0);
            } catch (IOException | RuntimeException ignored) {
                // closed already
            }
            try {
                c.channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
