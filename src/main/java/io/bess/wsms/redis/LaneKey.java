package io.bess.wsms.redis;

import redis.clients.jedis.HostAndPort;

/**
 * Names one subscriber connection: its index among the connections of a node, and, for sharded pub/sub, the node
 * it is bound to (an SSUBSCRIBE must go to the node that owns the channel's slot).
 *
 * @param node  the node, or {@code null} when the connection may use any node that serves pub/sub
 * @param index which of that node's connections
 */
record LaneKey(HostAndPort node, int index) {
    @Override
    public String toString() {
        return node == null ? Integer.toString(index) : node + "#" + index;
    }
}
