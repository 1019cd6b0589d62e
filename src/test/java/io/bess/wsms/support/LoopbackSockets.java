package io.bess.wsms.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Plain TCP connections to the service on 127.0.0.1 from a chosen loopback address: Linux routes all of 127/8 to the
 * loopback interface, so 127.0.0.2, 127.0.0.3, ... are distinct client addresses on one machine.
 */
public final class LoopbackSockets {
    private LoopbackSockets() {
    }

    /**
     * One address of 127/8.
     *
     * @param literal e.g. {@code 127.0.0.2}
     * @return the address (a literal: no DNS lookup)
     */
    public static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    /**
     * Opens a connection and sends some bytes (possibly none), leaving it open.
     *
     * @param from  local address
     * @param port  server port on 127.0.0.1
     * @param bytes what to send at once
     * @return the open socket, reads time out after 10 s
     */
    public static Socket open(InetAddress from, int port, byte[] bytes) {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            if (bytes.length > 0) {
                socket.getOutputStream().write(bytes);
                socket.getOutputStream().flush();
            }
            return socket;
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // reporting the first failure
            }
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A WebSocket upgrade request (the bytes after an optional prefix such as a PROXY header).
     *
     * @param headers extra headers
     * @return the request
     */
    public static byte[] upgradeRequest(Map<String, String> headers) {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        StringBuilder request = new StringBuilder("GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ")
                .append(Base64.getEncoder().encodeToString(nonce)).append("\r\n");
        headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
        return request.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /**
     * Upgrades to WebSocket and keeps the connection open.
     *
     * @param from    local address
     * @param port    server port
     * @param prefix  bytes before the request (a PROXY header), or none
     * @param headers extra request headers
     * @return the open socket and the answer's status line
     */
    public static Held upgrade(InetAddress from, int port, byte[] prefix, Map<String, String> headers)
            throws IOException {
        byte[] request = upgradeRequest(headers);
        byte[] bytes = new byte[prefix.length + request.length];
        System.arraycopy(prefix, 0, bytes, 0, prefix.length);
        System.arraycopy(request, 0, bytes, prefix.length, request.length);
        Socket socket = open(from, port, bytes);
        String head = RawWsClient.readHead(socket.getInputStream());
        return new Held(socket, head.isEmpty() ? -1 : Integer.parseInt(head.split(" ", 3)[1]));
    }

    /**
     * Reads one HTTP response, its body sized by {@code Content-Length} or chunked.
     *
     * @param in the connection's input
     * @return its head (status line and headers); the body is read and dropped
     */
    public static String readResponse(InputStream in) throws IOException {
        String head = RawWsClient.readHead(in);
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                in.readNBytes(Integer.parseInt(line.substring(15).trim()));
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                int size;
                do {
                    size = Integer.parseInt(readLine(in).trim(), 16);
                    in.readNBytes(size);
                    readLine(in);
                } while (size > 0);
            }
        }
        return head;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    /**
     * Whether the server has ended the connection: a read sees the end of the stream or a reset within the socket's
     * timeout (data still arriving is read and skipped).
     *
     * @param socket the client socket
     * @return true when closed by the server, false when the read timed out with the connection still open
     */
    public static boolean endedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            while (in.read(buffer) >= 0) {
                // skip whatever the server still sent
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * A connection that stays open.
     *
     * @param socket the socket
     * @param status HTTP status of the answer to its request, -1 for none
     */
    public record Held(Socket socket, int status) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
