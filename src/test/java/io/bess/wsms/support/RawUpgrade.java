package io.bess.wsms.support;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One WebSocket upgrade request on a plain socket with any headers and any request target (raw bytes included),
 * answered by a status and, for a refusal, its body. For the gate's 400/401/403/503 answers.
 *
 * @param status HTTP status
 * @param head   the response head
 * @param body   the response body (empty for 101)
 */
public record RawUpgrade(int status, String head, String body) {
    /**
     * Sends an upgrade request and reads the answer.
     *
     * @param port         server port
     * @param pathAndQuery request target, sent as UTF-8 bytes
     * @param headers      extra request headers (Origin, Authorization, ...)
     * @return the answer
     */
    public static RawUpgrade send(int port, String pathAndQuery, Map<String, String> headers) throws IOException {
        return send(port, pathAndQuery.getBytes(StandardCharsets.UTF_8), headers);
    }

    /**
     * Sends an upgrade request whose target is given as raw bytes.
     *
     * @param port    server port
     * @param target  request target bytes
     * @param headers extra request headers
     * @return the answer
     */
    public static RawUpgrade send(int port, byte[] target, Map<String, String> headers) throws IOException {
        return send(null, port, new byte[0], target, headers);
    }

    /**
     * Sends an upgrade request from a chosen local address (any of 127/8 on Linux), after raw bytes such as a PROXY
     * protocol header, as a load balancer would.
     *
     * @param from         local address to connect from; null for any
     * @param port         server port on 127.0.0.1
     * @param prefix       bytes sent before the request (empty for none)
     * @param pathAndQuery request target
     * @param headers      extra request headers
     * @return the answer
     */
    public static RawUpgrade send(InetAddress from, int port, byte[] prefix, String pathAndQuery,
                                  Map<String, String> headers) throws IOException {
        return send(from, port, prefix, pathAndQuery.getBytes(StandardCharsets.UTF_8), headers);
    }

    private static RawUpgrade send(InetAddress from, int port, byte[] prefix, byte[] target,
                                   Map<String, String> headers) throws IOException {
        try (Socket socket = new Socket()) {
            if (from != null) {
                socket.bind(new InetSocketAddress(from, 0));
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            byte[] nonce = new byte[16];
            ThreadLocalRandom.current().nextBytes(nonce);
            StringBuilder request = new StringBuilder();
            request.append("Host: 127.0.0.1:").append(port).append("\r\n")
                    .append("Upgrade: websocket\r\n")
                    .append("Connection: Upgrade\r\n")
                    .append("Sec-WebSocket-Key: ").append(Base64.getEncoder().encodeToString(nonce)).append("\r\n")
                    .append("Sec-WebSocket-Version: 13\r\n");
            headers.forEach((name, value) -> request.append(name).append(": ").append(value).append("\r\n"));
            request.append("\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.write(prefix);
            bytes.write("GET ".getBytes(StandardCharsets.ISO_8859_1));
            bytes.write(target);
            bytes.write(" HTTP/1.1\r\n".getBytes(StandardCharsets.ISO_8859_1));
            bytes.write(request.toString().getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().write(bytes.toByteArray());
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            String head = RawWsClient.readHead(in);
            if (head.isEmpty()) {
                return new RawUpgrade(-1, "", "");
            }
            int status = Integer.parseInt(head.split(" ", 3)[1]);
            if (status == 101) {
                return new RawUpgrade(status, head, "");
            }
            return new RawUpgrade(status, head, readBody(in, head, socket));
        }
    }

    /** Whether the body is the protocol's JSON error with this code. */
    public boolean isJsonError(String code) {
        return head.toLowerCase(Locale.ROOT).contains("content-type: application/json")
                && WsTestClient.parse(body).getJsonObject("error").getString("code").equals(code);
    }

    /** The JSON error's message. */
    public String message() {
        return WsTestClient.parse(body).getJsonObject("error").getString("message");
    }

    private static String readBody(InputStream in, String head, Socket socket) throws IOException {
        int length = -1;
        boolean chunked = false;
        for (String line : head.split("\r\n")) {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        if (length >= 0) {
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
        }
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        socket.setSoTimeout(2000);
        try {
            if (chunked) {
                while (true) {
                    int size = Integer.parseInt(readLine(in).trim(), 16);
                    if (size == 0) {
                        break;
                    }
                    raw.write(in.readNBytes(size));
                    readLine(in);
                }
            } else {
                raw.write(in.readAllBytes());
            }
        } catch (SocketTimeoutException ignored) {
            // whatever arrived is the body
        }
        return raw.toString(StandardCharsets.UTF_8);
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
}
