package io.bess.bench.load;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/** One client socket driven by a {@link Loop}: subclasses parse only what the measurement needs. */
abstract class Conn {
    private final byte[] request;
    private final boolean stalled;
    SocketChannel channel;
    SelectionKey key;
    Loop loop;
    long connectStartNanos;
    long readyNanos;
    boolean ready;
    boolean failed;
    boolean closedByPeer;
    private ByteBuffer pending;
    /** Measured updates already received (by seq - measureFromSeq), to count each update once. */
    java.util.BitSet seen;
    Schedule seenFor;

    /**
     * A client socket.
     *
     * @param request what opens the conversation (an upgrade request, a SUBSCRIBE)
     * @param stalled whether it reads nothing after connecting
     */
    Conn(byte[] request, boolean stalled) {
        this.request = request;
        this.stalled = stalled;
    }

    /** TCP is up: send the opening request; a stalled client counts as ready at once, since it reads no answer. */
    final void onConnected() throws IOException {
        write(ByteBuffer.wrap(request));
        if (stalled) {
            markReady(System.nanoTime());
        }
    }

    /** Bytes arrived at {@code now} (System.nanoTime): parse them. */
    abstract void onBytes(ByteBuffer in, long now) throws IOException;

    /** A client that reads nothing after connecting (the "slow" scenario's stalled readers). */
    final boolean neverReads() {
        return stalled;
    }

    final void markReady(long now) {
        if (!ready && !failed) {
            ready = true;
            readyNanos = now;
            loop.onReady(this);
        }
    }

    final void fail() {
        if (!failed) {
            failed = true;
            loop.onFailed(this);
        }
    }

    final void write(ByteBuffer data) throws IOException {
        if (pending != null) {
            ByteBuffer merged = ByteBuffer.allocate(pending.remaining() + data.remaining());
            merged.put(pending).put(data).flip();
            pending = merged;
            return;
        }
        channel.write(data);
        if (data.hasRemaining()) {
            pending = ByteBuffer.allocate(data.remaining()).put(data).flip();
            key.interestOps(key.interestOps() | SelectionKey.OP_WRITE);
        }
    }

    final void onWritable() throws IOException {
        if (pending != null) {
            channel.write(pending);
            if (!pending.hasRemaining()) {
                pending = null;
                key.interestOps(key.interestOps() & ~SelectionKey.OP_WRITE);
            }
        }
    }
}
