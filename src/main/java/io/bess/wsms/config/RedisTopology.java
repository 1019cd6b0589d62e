package io.bess.wsms.config;

import java.util.List;
import java.util.stream.Collectors;

/** Where Redis is: one server, a master found through Sentinel, or a Cluster. */
public sealed interface RedisTopology {
    /** Where Redis is, for messages and the health check's details. */
    String describe();

    /**
     * One Redis server ({@code redis.mode=standalone}).
     *
     * @param host host, empty for the embedded default
     * @param port port
     */
    record Standalone(String host, int port) implements RedisTopology {
        @Override
        public String describe() {
            return new RedisAddress(host, port).toString();
        }
    }

    /**
     * A master watched by Sentinel ({@code redis.mode=sentinel}).
     *
     * @param sentinels        the Sentinels to ask
     * @param masterName       the master's name in Sentinel
     * @param sentinelPassword password of the Sentinels, empty for none
     */
    record Sentinel(List<RedisAddress> sentinels, String masterName, String sentinelPassword)
            implements RedisTopology {
        /** Defensive copy. */
        public Sentinel {
            sentinels = List.copyOf(sentinels);
        }

        @Override
        public String describe() {
            return "master '" + masterName + "' via Sentinel " + join(sentinels);
        }

        @Override
        public String toString() {
            // never print the password
            return "Sentinel[" + describe() + (sentinelPassword.isEmpty() ? "" : " with password") + "]";
        }
    }

    /**
     * A Redis Cluster ({@code redis.mode=cluster}).
     *
     * @param nodes seed nodes; the rest of the cluster is discovered from them
     */
    record Cluster(List<RedisAddress> nodes) implements RedisTopology {
        /** Defensive copy. */
        public Cluster {
            nodes = List.copyOf(nodes);
        }

        @Override
        public String describe() {
            return "cluster via " + join(nodes);
        }
    }

    private static String join(List<RedisAddress> addresses) {
        return addresses.stream().map(RedisAddress::toString).collect(Collectors.joining(","));
    }
}
