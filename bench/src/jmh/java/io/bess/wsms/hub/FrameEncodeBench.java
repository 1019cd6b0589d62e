package io.bess.wsms.hub;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding one update (done once per update) against the UTF-8 encoding Helidon's {@code send(String)} does once
 * per recipient.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FrameEncodeBench {
    private final FrameEncoder encoder = new FrameEncoder();
    private final BatteryState state = Fixtures.state(7, 1731801715542L);
    private final String json = encoder.update(state, 1731801715549L, 0).text();
    private long ts = 1731801715549L;

    /** One update frame from the hash: done once per update, shared by all recipients. */
    @Benchmark
    public Frame encodeUpdate() {
        return encoder.update(state, ++ts, ts);
    }

    /**
     * What {@code WsSession.send(String)} would pay per recipient before the socket write (String to UTF-8 bytes);
     * the service now writes the frame's pre-encoded wire bytes instead, so this is the per-recipient cost it saves.
     */
    @Benchmark
    public byte[] utf8PerRecipient() {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
