package io.bess.wsms;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import io.bess.wsms.support.LiveService;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.LoopbackSockets;
import io.bess.wsms.support.RawUpgrade;
import io.bess.wsms.support.RawWsClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.bess.wsms.support.LoopbackSockets.address;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 14, point 7: the service never logs a query string nor the value of an {@code Authorization} header, at
 * any log level, whatever happens to the request: accepted, refused by the gate, malformed in each way Helidon
 * refuses, over the per-address limit, timed out half-sent, or preceded by an untrusted PROXY header. Every logger
 * is captured at its finest level, Helidon's included, while a token travels in each place a client can put it.
 */
class NoSecretsInLogsTest {
    /** The configured token: valid wherever it is sent. */
    private static final String TOKEN = "tok-" + UUID.randomUUID();
    /** A wrong token: refused, and no more loggable than the right one. */
    private static final String WRONG = "wrong-" + UUID.randomUUID();
    private static final InetAddress LIMITED = address("127.0.0.9");
    /** Per address: room for the requests above in flight at once, filled up by {@link #LIMITED} below. */
    private static final int LIMIT = 10;

    @RegisterExtension
    static final LiveService LIVE = new LiveService(Map.of("ws.token", TOKEN,
                                                           "ws.allowed-origins", "https://dashboard.example",
                                                           "ws.max-connections-per-ip", Integer.toString(LIMIT),
                                                           "server.request-header-timeout", "1s"));

    @Test
    void noTokenReachesAnyLogLineAtAnyLevel() throws Exception {
        int port = LIVE.service().port();
        List<String> answers = new ArrayList<>();
        try (LogCapture all = LogCapture.of("", Level.ALL);
             LogCapture helidon = LogCapture.of("io.helidon", Level.ALL);
             LogCapture ours = LogCapture.of("io.bess", Level.ALL)) {
            // accepted, then refused by the gate, as an upgrade and as REST
            answers.add(status(RawUpgrade.send(port, "/ws?token=" + TOKEN, Map.of())));
            answers.add(status(RawUpgrade.send(port, "/ws", Map.of("Authorization", "Bearer " + TOKEN))));
            answers.add(status(RawUpgrade.send(port, "/ws?token=" + WRONG, Map.of())));
            answers.add(status(RawUpgrade.send(port, "/ws", Map.of("Authorization", "Bearer " + WRONG))));
            answers.add(status(RawUpgrade.send(port, "/ws?token=" + TOKEN + "&batteries=abc", Map.of())));
            answers.add(status(RawUpgrade.send(port, "/ws?batteries=1", Map.of("Authorization", "Bearer " + TOKEN,
                                                                              "Origin", "https://evil.example"))));
            answers.add(status(RawUpgrade.send(port, "/ws", Map.of("Sec-WebSocket-Protocol", "bearer, " + TOKEN))));
            answers.add(exchange(port, "GET /api/batteries?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(exchange(port, "GET /api/batteries HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + WRONG
                    + "\r\n\r\n"));
            answers.add(exchange(port, "GET /no-such-page?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(exchange(port, "POST /api/batteries?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\n"
                    + "Content-Length: 3\r\n\r\nabc"));

            // each way Helidon refuses a request before any route: not ASCII, too long, bad escape, headers too
            // large, a broken header line, a bad Host, HTTP/1.0, an upgrade with a body
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + "&x=\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + "&batteries=" + "1,".repeat(20_000)
                    + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + "&batteries=%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(exchange(port, "GET /ws HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + TOKEN
                    + "\r\nX-Pad: " + "a".repeat(20_000) + "\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + TOKEN + "\r\nnot a header line\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + " HTTP/1.1\r\nHost: a b\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + " HTTP/1.0\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + " HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nContent-Length: 2\r\nAuthorization: Bearer " + TOKEN + "\r\n\r\nab"));

            // an untrusted PROXY header, a request head that never ends, the per-address limit
            answers.add(exchange(port, "PROXY TCP4 203.0.113.1 127.0.0.1 1 2\r\nGET /ws?token=" + TOKEN
                    + " HTTP/1.1\r\nHost: x\r\n\r\n"));
            answers.add(exchange(port, "GET /ws?token=" + TOKEN + " HTTP/1.1\r\nAuthorization: Bearer " + TOKEN
                    + "\r\n"));
            List<LoopbackSockets.Held> held = new ArrayList<>();
            try {
                for (int i = 0; i < LIMIT; i++) {
                    held.add(LoopbackSockets.upgrade(LIMITED, port, new byte[0],
                                                     Map.of("Authorization", "Bearer " + TOKEN)));
                }
                answers.add(held.stream().allMatch(h -> h.status() == 101) ? "101 x " + LIMIT : "not all 101");
                answers.add(status(RawUpgrade.send(LIMITED, port, new byte[0], "/ws?token=" + TOKEN,
                                                   Map.of("Authorization", "Bearer " + TOKEN))));
            } finally {
                for (LoopbackSockets.Held h : held) {
                    h.close();
                }
            }

            // a connected client that sends the token as a command, then vanishes without a close frame
            try (RawWsClient client = RawWsClient.connect(port, "/ws?token=" + TOKEN, 0)) {
                client.readText();
                client.sendText("{\"action\":\"" + TOKEN + "\",\"token\":\"" + TOKEN + "\"}");
                client.readText();
                client.reset();
            }
            await("every connection of the test has ended").until(
                    () -> LIVE.service().service().connectionsFrom("127.0.0.1") == 0
                            && LIVE.service().service().connectionsFrom("127.0.0.9") == 0);

            String logged = all.text() + helidon.text() + ours.text();
            assertThat(logged).doesNotContain(TOKEN).doesNotContain(WRONG)
                    .doesNotContain(TOKEN.substring(10, 30)).doesNotContain(WRONG.substring(10, 30));
            // the capture was live: Helidon's own debug lines and the service's warning are in it
            assertThat(helidon.records()).extracting(LogRecord::getLevel).contains(Level.FINE);
            assertThat(ours.count(Level.WARNING, "PROXY protocol header")).isEqualTo(1);
        }
        // the requests went where they should: accepted, refused, malformed, limited
        // (the bearer subprotocol carries a valid token: accepted)
        assertThat(answers).containsExactly("101", "101", "401", "401", "400", "403", "101", "200", "401", "404",
                                            "405", "400", "414", "400", "400", "400", "400", "505", "404", "400",
                                            "closed", "101 x " + LIMIT, "503");
    }

    private static String status(RawUpgrade answer) {
        return Integer.toString(answer.status());
    }

    /** Sends raw bytes (UTF-8) and returns the answer's status, or "closed" when the server answered nothing. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = LoopbackSockets.open(address("127.0.0.1"), port,
                                                  request.getBytes(StandardCharsets.UTF_8))) {
            socket.setSoTimeout(5000);
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            try {
                socket.getInputStream().transferTo(answer);
            } catch (IOException e) {
                // a reset after the answer: what arrived is the answer
            }
            String text = answer.toString(StandardCharsets.ISO_8859_1);
            return text.startsWith("HTTP/1.1 ") ? text.substring(9, 12) : "closed";
        }
    }
}
