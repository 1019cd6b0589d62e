package io.bess.wsms.web;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Open TCP connections per client address. An address is in the map only while it holds a connection, so the map
 * never outgrows the connections themselves.
 */
final class AddressCounts {
    private final ConcurrentMap<String, Integer> counts = new ConcurrentHashMap<>();

    /**
     * One more connection from an address.
     *
     * @param address the client address
     * @return its connections now, this one included: its rank among them
     */
    int add(String address) {
        return counts.merge(address, 1, Integer::sum);
    }

    /**
     * One connection from an address has ended.
     *
     * @param address the client address, as given to {@link #add}
     */
    void remove(String address) {
        // null from the function removes the entry: an address at 0 takes no memory
        counts.computeIfPresent(address, (a, n) -> n <= 1 ? null : n - 1);
    }

    /**
     * Connections an address holds now.
     *
     * @param address the client address
     * @return its count, 0 when it holds none
     */
    int count(String address) {
        return counts.getOrDefault(address, 0);
    }

    /** Addresses holding at least one connection. */
    int addresses() {
        return counts.size();
    }
}
