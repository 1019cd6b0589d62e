package io.bess.wsms.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.bess.wsms.timer.Housekeeping;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Pings are spread over the interval: every client gets one per interval, not all of them in the same instant. */
class KeepaliveTickerTest {
    private static final int CLIENTS = 160;

    @Test
    void everyClientIsPingedOncePerIntervalInSlotsNotAllAtOnce() throws Exception {
        Hub hub = new Hub(batteries -> { }, new LatestStates());
        List<ClientSession> sessions = new ArrayList<>();
        List<HubStandIns.RecordingTransport> sockets = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            HubStandIns.RecordingTransport socket = new HubStandIns.RecordingTransport();
            ClientSession session = HubStandIns.session(socket);
            sockets.add(socket);
            sessions.add(session);
            hub.register(session);
            socket.writes.poll(10, TimeUnit.SECONDS); // the snapshot
        }
        KeepaliveTicker ticker = new KeepaliveTicker(hub, Duration.ofSeconds(20),
                                                     new Housekeeping(Housekeeping.Failures.NONE));

        int largestSlot = 0;
        for (int slot = 0; slot < KeepaliveTicker.SLOTS; slot++) {
            int due = 0;
            for (ClientSession session : sessions) {
                due += Math.floorMod(System.identityHashCode(session), KeepaliveTicker.SLOTS) == slot ? 1 : 0;
            }
            ticker.tick();
            int expected = due;
            await().atMost(Duration.ofSeconds(10)).until(() -> pingsWaiting(sockets) == expected);
            for (HubStandIns.RecordingTransport socket : sockets) {
                byte[] frame = socket.writes.poll();
                if (frame != null) {
                    assertThat(frame).as("a ping, no payload").containsExactly(0x89, 0x00);
                }
            }
            largestSlot = Math.max(largestSlot, expected);
        }
        assertThat(largestSlot).as("no tick pings every client").isLessThan(CLIENTS);
        for (HubStandIns.RecordingTransport socket : sockets) {
            assertThat(socket.writes).as("one ping per client per interval").isEmpty();
        }
    }

    private static int pingsWaiting(List<HubStandIns.RecordingTransport> sockets) {
        return sockets.stream().mapToInt(s -> s.writes.size()).sum();
    }
}
