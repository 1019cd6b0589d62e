package io.bess.wsms;

import java.util.HashMap;
import java.util.Map;

import io.bess.wsms.support.RawWsClient;
import io.bess.wsms.support.TestRedis;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 3, point 6: the server pings every {@code ws.ping-interval} and closes a peer that has not answered for
 * two intervals (a half-dead connection: it still reads, but nothing comes back).
 */
class KeepaliveTest {
    @Test
    void peerThatReadsButNeverAnswersPingsIsClosedWith1008() throws Exception {
        try (TestRedis redis = TestRedis.start()) {
            Map<String, String> config = new HashMap<>(redis.settings());
            config.put("ws.ping-interval", "300ms");
            try (ServiceFixture service = ServiceFixture.start(config);
                 RawWsClient silent = RawWsClient.connect(service.port(), "/ws", 0)) {
                assertThat(silent.readText()).isEqualTo("{}");
                long connected = System.nanoTime();
                int pings = 0;
                int code;
                while (true) {
                    RawWsClient.RawFrame frame = silent.read();
                    if (frame.opcode() == 9) {
                        pings++;
                    } else if (frame.opcode() == 8) {
                        code = frame.closeCode();
                        break;
                    }
                }
                long millis = (System.nanoTime() - connected) / 1_000_000;
                assertThat(pings).as("pings before giving up").isGreaterThanOrEqualTo(1);
                assertThat(code).isEqualTo(1008);
                // the writer unregisters right after it wrote the close frame
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                        .until(() -> service.service().hub().size() == 0);
                System.out.println("silent peer: " + pings + " pings unanswered, closed with " + code + " after "
                        + millis + " ms (ping interval 300 ms)");
            }
        }
    }
}
