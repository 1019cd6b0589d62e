package io.bess.wsms.web;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Optional;

import io.helidon.common.buffers.DataReader;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PROXY protocol header, both versions, read off the connection's reader and nothing more. */
class ProxyHeaderTest {
    private static final byte[] SIGNATURE = {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A};
    private static final String REQUEST = "GET /ws HTTP/1.1\r\n";

    @Test
    void anHttpRequestIsNotAProxyHeaderAndLosesNoByte() {
        for (String start : new String[] {REQUEST, "PRI * HTTP/2.0\r\n", "PROXYX\r\n", "\r\n\r\nGET"}) {
            DataReader reader = reader(bytes(start));
            assertThat(ProxyHeader.follows(reader)).as(start).isFalse();
            assertThat(reader.readAsciiString(start.length())).isEqualTo(start);
        }
    }

    @Test
    void versionOneNamesTheSourceAndLeavesTheRequest() throws Exception {
        assertThat(read("PROXY TCP4 203.0.113.7 10.0.0.1 56324 443\r\n")).contains(ip("203.0.113.7"));
        assertThat(read("PROXY TCP6 2001:db8::7 2001:db8::1 56324 443\r\n")).contains(ip("2001:db8::7"));
        assertThat(read("PROXY UNKNOWN\r\n")).as("the peer speaks for itself").isEmpty();
        assertThat(read("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2\r\n")).isEmpty();
    }

    @Test
    void versionTwoNamesTheSourceSkipsItsExtensionsAndLeavesTheRequest() throws Exception {
        assertThat(read(v2(0x21, 0x11, ip("198.51.100.9").getAddress(), 12 + 7))).contains(ip("198.51.100.9"));
        assertThat(read(v2(0x21, 0x21, ip("2001:db8::9").getAddress(), 36))).contains(ip("2001:db8::9"));
        assertThat(read(v2(0x20, 0x00, new byte[0], 0))).as("LOCAL: a health check").isEmpty();
        assertThat(read(v2(0x21, 0x31, new byte[0], 216))).as("a UNIX socket has no IP").isEmpty();
    }

    @Test
    void aHeaderThatBreaksTheSpecIsRefused() {
        for (String bad : new String[] {"PROXY TCP4 203.0.113.7 10.0.0.1 1 2\n", "PROXY TCP4 1.2.3 10.0.0.1 1 2\r\n",
                                        "PROXY TCP6 203.0.113.7 ::1 1 2\r\n", "PROXY SCTP a b 1 2\r\n",
                                        "PROXY TCP4 " + "1".repeat(120) + "\r\n"}) {
            assertThatThrownBy(() -> ProxyHeader.read(reader(bytes(bad)))).as(bad)
                    .isInstanceOf(ProxyHeader.Malformed.class);
        }
        assertThatThrownBy(() -> ProxyHeader.read(reader(v2(0x31, 0x11, new byte[12], 12))))
                .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("version");
        assertThatThrownBy(() -> ProxyHeader.read(reader(v2(0x21, 0x11, new byte[4], 4))))
                .isInstanceOf(ProxyHeader.Malformed.class).hasMessageContaining("too short");
    }

    /** Reads the header off a stream that arrives a few bytes at a time, then checks the request is intact. */
    private static Optional<InetAddress> read(String header) {
        return read(bytes(header));
    }

    private static Optional<InetAddress> read(byte[] header) {
        byte[] request = bytes(REQUEST);
        byte[] all = Arrays.copyOf(header, header.length + request.length);
        System.arraycopy(request, 0, all, header.length, request.length);
        DataReader reader = reader(all);
        assertThat(ProxyHeader.follows(reader)).isTrue();
        Optional<InetAddress> source = ProxyHeader.read(reader);
        assertThat(reader.readAsciiString(REQUEST.length())).isEqualTo(REQUEST);
        return source;
    }

    /** A version 2 header: the address block holds the source first, then whatever fills {@code length}. */
    private static byte[] v2(int versionCommand, int familyProtocol, byte[] source, int length) {
        ByteBuffer header = ByteBuffer.allocate(16 + length);
        header.put(SIGNATURE).put((byte) versionCommand).put((byte) familyProtocol).putShort((short) length);
        header.put(source);
        return header.array();
    }

    /** A reader fed 5 bytes at a time, as a slow network would. */
    private static DataReader reader(byte[] data) {
        Deque<byte[]> chunks = new ArrayDeque<>();
        for (int i = 0; i < data.length; i += 5) {
            chunks.add(Arrays.copyOfRange(data, i, Math.min(data.length, i + 5)));
        }
        return DataReader.create(chunks::poll);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static InetAddress ip(String literal) throws Exception {
        return InetAddress.getByName(literal);
    }
}
