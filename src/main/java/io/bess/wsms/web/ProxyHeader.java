package io.bess.wsms.web;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import io.bess.wsms.config.AddressRange;
import io.helidon.common.buffers.DataReader;

/**
 * The PROXY protocol header (HAProxy's spec, versions 1 and 2) that a load balancer puts before the first byte of
 * the client's data, naming the client. Read here rather than by Helidon's {@code enable-proxy-protocol}, which
 * requires the header from every peer, believes it from any peer, and reads it before any timeout applies.
 * Neither version can be confused with HTTP: a request never starts with {@code "PROXY "} nor with version 2's
 * binary signature.
 */
final class ProxyHeader {
    private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] V2_SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    /** The longest version 1 line the spec allows, CRLF included. */
    private static final int V1_MAX = 107;
    private static final int V2_FAMILY_INET = 0x1;
    private static final int V2_FAMILY_INET6 = 0x2;

    private ProxyHeader() {
    }

    /** A PROXY header that does not follow the spec. */
    static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed(String message) {
            super(message, null, false, false);
        }
    }

    /**
     * Whether the connection's data starts with a PROXY header (of either version). Reads, without consuming, as
     * few bytes as that takes: one, for any HTTP request.
     *
     * @param reader the connection's reader, before anything was consumed
     * @return whether a PROXY header follows
     */
    static boolean follows(DataReader reader) {
        byte first = reader.lookup();
        if (first == V1_PREFIX[0]) {
            return reader.startsWith(V1_PREFIX);
        }
        return first == V2_SIGNATURE[0] && reader.startsWith(V2_SIGNATURE);
    }

    /**
     * Consumes the PROXY header that {@link #follows} found.
     *
     * @param reader the connection's reader
     * @return the client's address; empty when the header names none (v1 {@code UNKNOWN}, v2 {@code LOCAL} as in a
     *         balancer's own health check, or a family other than IPv4/IPv6): the peer is then the client
     * @throws Malformed when the header breaks the spec
     */
    static Optional<InetAddress> read(DataReader reader) {
        return reader.lookup() == V1_PREFIX[0] ? readV1(reader) : readV2(reader);
    }

    private static Optional<InetAddress> readV1(DataReader reader) {
        byte[] line = new byte[V1_MAX];
        int length = 0;
        while (true) {
            if (length == V1_MAX) {
                throw new Malformed("a PROXY v1 line longer than " + V1_MAX + " bytes");
            }
            byte b = reader.read();
            line[length++] = b;
            if (b == '\n') {
                break;
            }
        }
        if (length < 2 || line[length - 2] != '\r') {
            throw new Malformed("a PROXY v1 line not ended by CRLF");
        }
        String[] fields = new String(line, 0, length - 2, StandardCharsets.US_ASCII).split(" ");
        if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
            return Optional.empty();
        }
        if (fields.length != 6 || !(fields[1].equals("TCP4") || fields[1].equals("TCP6"))) {
            throw new Malformed("a PROXY v1 line that is neither TCP4, TCP6 nor UNKNOWN");
        }
        Optional<InetAddress> source = AddressRange.literal(fields[2]);
        if (source.isEmpty() || source.get().getAddress().length != (fields[1].equals("TCP4") ? 4 : 16)) {
            throw new Malformed("a PROXY v1 source address that is not an " + fields[1] + " address");
        }
        return source;
    }

    private static Optional<InetAddress> readV2(DataReader reader) {
        reader.skip(V2_SIGNATURE.length);
        int versionCommand = reader.read() & 0xFF;
        int familyProtocol = reader.read() & 0xFF;
        int length = ((reader.read() & 0xFF) << 8) | (reader.read() & 0xFF);
        if (versionCommand >>> 4 != 2 || (versionCommand & 0x0F) > 1) {
            throw new Malformed("a PROXY v2 header of an unknown version or command");
        }
        byte[] rest = length == 0 ? new byte[0] : reader.readBytes(length);
        boolean local = (versionCommand & 0x0F) == 0;
        int family = familyProtocol >>> 4;
        int addressLength = family == V2_FAMILY_INET ? 4 : family == V2_FAMILY_INET6 ? 16 : 0;
        if (local || addressLength == 0) {
            // LOCAL: the proxy speaks for itself (its health checks); other families carry no IP address
            return Optional.empty();
        }
        if (rest.length < 2 * addressLength + 4) {
            throw new Malformed("a PROXY v2 header too short for its addresses");
        }
        try {
            return Optional.of(InetAddress.getByAddress(Arrays.copyOf(rest, addressLength)));
        } catch (UnknownHostException e) {
            throw new Malformed("a PROXY v2 source address of a wrong length");
        }
    }
}
