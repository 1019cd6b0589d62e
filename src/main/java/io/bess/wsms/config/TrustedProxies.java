package io.bess.wsms.config;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The load balancers and proxies whose word about the client's address is believed ({@code server.trusted-proxies}):
 * only a TCP peer in one of these ranges may pass a PROXY protocol header or {@code X-Forwarded-For}.
 *
 * @param ranges addresses and CIDR blocks; empty: nobody is trusted, every client is its TCP peer
 */
public record TrustedProxies(List<AddressRange> ranges) {
    /** Nobody is trusted. */
    public static final TrustedProxies NONE = new TrustedProxies(List.of());

    /** Defensive copy. */
    public TrustedProxies {
        ranges = List.copyOf(ranges);
    }

    /**
     * Parses the setting's items.
     *
     * @param items   addresses or CIDR blocks, as given
     * @param setting how the user knows the setting, for the error message
     * @return the trusted proxies
     */
    static TrustedProxies parse(List<String> items, String setting) {
        List<AddressRange> parsed = new ArrayList<>();
        for (String item : items) {
            parsed.add(AddressRange.parse(item, setting));
        }
        return new TrustedProxies(parsed);
    }

    /**
     * Whether a TCP peer is a trusted proxy.
     *
     * @param peer the peer's address
     * @return whether it lies in one of the ranges
     */
    public boolean trusts(InetAddress peer) {
        for (AddressRange range : ranges) {
            if (range.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /** Whether any proxy is trusted at all. */
    public boolean any() {
        return !ranges.isEmpty();
    }

    @Override
    public String toString() {
        return ranges.toString();
    }
}
