package io.bess.wsms.redis;

import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.exceptions.JedisConnectionException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Outages as reads report them. After a half-open path, reads sent on dead connections time out one after another
 * while fresh ones work: a failure of a read sent before one that worked must not flip the status (each flip would
 * resync every client).
 */
class RedisStatusTest {
    private static final ReadFailure TIMEOUT = ReadFailure.of(new JedisConnectionException("Read timed out"));

    @Test
    void aFailureOfAReadSentBeforeOneThatWorkedIsNoOutage() {
        RedisStatus status = new RedisStatus();
        long sentEarly = System.nanoTime();
        long sentLater = sentEarly + 1_000_000;
        status.succeeded(sentLater);
        status.failed(TIMEOUT, sentEarly);
        assertThat(status.isUp()).isTrue();
        status.failed(TIMEOUT, sentLater + 1);
        assertThat(status.isUp()).isFalse();
    }

    @Test
    void anOutageTellsItsListenersOnceAndItsEndResyncsOnce() {
        RedisStatus status = new RedisStatus();
        AtomicInteger outages = new AtomicInteger();
        AtomicInteger resyncs = new AtomicInteger();
        status.onOutage(outages::incrementAndGet);
        status.onResync(resyncs::incrementAndGet);
        status.failed(TIMEOUT, System.nanoTime());
        status.failed(TIMEOUT, System.nanoTime());
        assertThat(outages).hasValue(1);
        status.succeeded(System.nanoTime());
        status.succeeded(System.nanoTime());
        assertThat(resyncs).hasValue(1);
        assertThat(status.isUp()).isTrue();
    }
}
