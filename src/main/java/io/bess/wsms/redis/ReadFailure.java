package io.bess.wsms.redis;

import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Set;

import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisRedirectionException;

/**
 * Why a read of battery data failed, and what the service does about it. This is the one rule for every read
 * (signalled updates, catch-ups after a resubscribe, snapshots, the id set):
 * <ul>
 *     <li>{@link Kind#OUTAGE}: Redis cannot be reached or cannot serve data at all: a lost, refused or timed-out
 *     connection, no reachable Cluster node, or {@code -LOADING} (a restarted Redis still loading its data). New
 *     clients get 503 and readiness is DOWN at once; when reads work again every client gets a fresh snapshot.</li>
 *     <li>{@link Kind#TRANSIENT}: Redis answered, but refused this read for now: {@code -BUSY} (a long script),
 *     {@code -TRYAGAIN}, {@code -CLUSTERDOWN}, {@code -MOVED}/{@code -ASK} (resharding), {@code -MASTERDOWN},
 *     {@code -NOPERM}/{@code -NOAUTH} (an ACL change), {@code -OOM}, an exhausted connection pool, or any other error
 *     reply. The read is retried with backoff and its batteries are owed until they are read; no 503, no resync.
 *     Reads that keep being refused for {@link RedisStatus#REFUSALS_BECOME_OUTAGE} become an outage.</li>
 *     <li>{@link Kind#BAD_CONTENT}: {@code -WRONGTYPE}: the key holds something other than what the pipeline
 *     writes there. Retrying cannot help: the battery is skipped and reported; its next publish reads it again.</li>
 * </ul>
 *
 * @param kind   what the service does about it
 * @param reason a short, bounded label for metrics and logs ({@code connection}, {@code busy}, {@code noperm}, ...)
 * @param cause  the exception
 */
record ReadFailure(Kind kind, String reason, RuntimeException cause) {
    /** Error replies that mean "not now": the same read is expected to work in a moment. */
    private static final Set<String> NOT_NOW = Set.of("busy", "tryagain", "clusterdown", "masterdown", "noperm",
                                                      "noauth", "oom", "moved", "ask", "noreplicas", "readonly");

    /** What the service does about a failed read. */
    enum Kind {
        /** Redis is unreachable or has no data to serve: 503, then a resync. */
        OUTAGE,
        /** Redis refused the read for now: retried, batteries owed. */
        TRANSIENT,
        /** The key holds the wrong type: skipped and reported. */
        BAD_CONTENT
    }

    /**
     * Classifies a failed read.
     *
     * @param failure what the read threw, or the error reply of one pipelined command
     * @return the failure with its kind and reason
     */
    static ReadFailure of(RuntimeException failure) {
        if (failure instanceof JedisConnectionException) {
            return new ReadFailure(Kind.OUTAGE, timedOut(failure) ? "timeout" : "connection", failure);
        }
        if (failure instanceof JedisClusterOperationException) {
            return new ReadFailure(Kind.OUTAGE, "cluster_unreachable", failure);
        }
        if (failure instanceof JedisRedirectionException) {
            return new ReadFailure(Kind.TRANSIENT, failure.getMessage() != null
                    && failure.getMessage().startsWith("ASK") ? "ask" : "moved", failure);
        }
        if (failure instanceof JedisDataException) {
            String code = errorCode(failure.getMessage());
            if (code.equals("wrongtype")) {
                return new ReadFailure(Kind.BAD_CONTENT, code, failure);
            }
            if (code.equals("loading")) {
                return new ReadFailure(Kind.OUTAGE, code, failure);
            }
            return new ReadFailure(Kind.TRANSIENT, NOT_NOW.contains(code) ? code : "error_reply", failure);
        }
        if (failure.getCause() instanceof NoSuchElementException) {
            // Jedis 8 throws a plain JedisException when no pooled connection frees up within the timeout
            return new ReadFailure(Kind.TRANSIENT, "pool_exhausted", failure);
        }
        return new ReadFailure(Kind.TRANSIENT, "other", failure);
    }

    /** A one-line description for log lines: the reason and Redis's (or the client's) message. */
    String describe() {
        return reason + ": " + RedisConnector.rootMessage(cause);
    }

    /** The error code of an error reply ({@code NOPERM this user has no permissions ...} -> {@code noperm}). */
    private static String errorCode(String message) {
        if (message == null || message.isEmpty()) {
            return "";
        }
        int end = message.indexOf(' ');
        String word = end < 0 ? message : message.substring(0, end);
        return word.chars().allMatch(c -> c >= 'A' && c <= 'Z') ? word.toLowerCase(Locale.ROOT) : "";
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }
}
