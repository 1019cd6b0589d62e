package io.bess.wsms.redis;

import java.net.SocketTimeoutException;
import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBusyException;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The rule for failed reads, for the exceptions Jedis 8 throws (the integration tests cause most of them with a real
 * Redis: RedisErrorRepliesTest, RedisOutageTest, HostileInputTest).
 */
class ReadFailureTest {
    @Test
    void aLostOrTimedOutConnectionAndLoadingAreAnOutage() {
        assertThat(ReadFailure.of(new JedisConnectionException("Unexpected end of stream.")))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.OUTAGE, "connection");
        assertThat(ReadFailure.of(new JedisConnectionException(new SocketTimeoutException("Read timed out"))))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.OUTAGE, "timeout");
        assertThat(ReadFailure.of(new JedisClusterOperationException("No more cluster attempts left.")).kind())
                .isEqualTo(ReadFailure.Kind.OUTAGE);
        assertThat(ReadFailure.of(new JedisDataException("LOADING Redis is loading the dataset in memory")))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.OUTAGE, "loading");
    }

    @Test
    void refusalsThatPassAreTransient() {
        assertThat(ReadFailure.of(new JedisBusyException("BUSY Redis is busy running a script.")))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.TRANSIENT, "busy");
        assertThat(ReadFailure.of(new JedisAccessControlException("NOPERM this user has no permissions to run the"
                                                                          + " 'hgetall' command")).reason())
                .isEqualTo("noperm");
        assertThat(ReadFailure.of(new JedisDataException("TRYAGAIN Multiple keys request during rehashing of slot"))
                           .reason()).isEqualTo("tryagain");
        assertThat(ReadFailure.of(new JedisDataException("CLUSTERDOWN The cluster is down")).reason())
                .isEqualTo("clusterdown");
        assertThat(ReadFailure.of(new JedisMovedDataException("MOVED 3999 127.0.0.1:7001",
                                                               new HostAndPort("127.0.0.1", 7001), 3999)))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.TRANSIENT, "moved");
        assertThat(ReadFailure.of(new JedisException("Could not get a resource from the pool",
                                                     new NoSuchElementException("Timeout waiting for idle object"))))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.TRANSIENT, "pool_exhausted");
        assertThat(ReadFailure.of(new JedisDataException("ERR unknown command 'HGETALL'")).reason())
                .as("an error reply nobody named is retried, under a bounded label").isEqualTo("error_reply");
    }

    @Test
    void aKeyOfTheWrongTypeIsBadContent() {
        assertThat(ReadFailure.of(new JedisDataException("WRONGTYPE Operation against a key holding the wrong kind"
                                                                 + " of value")))
                .extracting(ReadFailure::kind, ReadFailure::reason)
                .containsExactly(ReadFailure.Kind.BAD_CONTENT, "wrongtype");
    }

    @Test
    void everyReasonIsOneTheMetricsKnow() {
        for (RuntimeException e : new RuntimeException[] {
            new JedisConnectionException("x"), new JedisDataException("LOADING x"), new JedisDataException("OOM x"),
            new JedisDataException("NOAUTH x"), new JedisDataException("MASTERDOWN x"), new IllegalStateException()}) {
            assertThat(UpstreamMetrics.READ_FAILURE_REASONS).contains(ReadFailure.of(e).reason());
        }
    }
}
