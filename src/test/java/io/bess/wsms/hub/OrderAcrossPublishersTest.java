package io.bess.wsms.hub;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hub's frames of one battery come from several threads (the signal readers of two lanes while a slot moves,
 * the stale watch); whatever the interleaving, the last state a client gets of a battery is the newest one offered.
 */
class OrderAcrossPublishersTest {
    private static final Pattern MEMBER = Pattern.compile("\\\"battery:(\\d+):data\\\":\\{\\\"timestamp\\\":(\\d+)"
                                                                  + "(?:[^}]*?(\\\"stale\\\":true))?");
    private static final FrameEncoder ENCODER = new FrameEncoder(Duration.ofSeconds(10));

    @Test
    void aStaleFlagPublishedAfterANewerStateDoesNotHideItWhileTheWriterIsBusy() throws Exception {
        GatedTransport socket = new GatedTransport();
        Hub hub = new Hub(batteries -> { }, new LatestStates());
        ClientSession session = HubStandIns.session(socket);
        hub.register(session);
        socket.awaitWrites(1);

        // the writer is held inside a write: everything below queues behind it
        socket.hold();
        hub.publish(update(1, 1_000, 1_001));
        socket.awaitBlocked();
        EncodedState older = state(1, 1_000);
        hub.publish(update(1, 2_000, 2_001));
        // the stale watch noticed the older state a moment before the newer one arrived, and publishes it now
        hub.publish(ENCODER.update(older, 60_000, System.nanoTime()));
        socket.release();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(socket.lastOf(1)).isEqualTo(new Seen(2_000, false)));
    }

    @RepeatedTest(20)
    void theLastStateAClientGetsIsTheNewestWhateverTheInterleaving() throws Exception {
        GatedTransport socket = new GatedTransport();
        Hub hub = new Hub(batteries -> { }, new LatestStates());
        ClientSession session = HubStandIns.session(socket);
        hub.register(session);
        socket.awaitWrites(1);

        int batteries = 3;
        int publishers = 4;
        int versions = 200;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<List<Frame>> work = new ArrayList<>();
        for (int p = 0; p < publishers; p++) {
            work.add(new ArrayList<>());
        }
        // every version of every battery goes to a random publisher, some flagged stale, in a shuffled order
        for (int battery = 1; battery <= batteries; battery++) {
            for (int v = 1; v <= versions; v++) {
                boolean stale = random.nextInt(4) == 0;
                Frame frame = stale ? ENCODER.update(state(battery, v), 60_000, 0) : update(battery, v, v + 1);
                work.get(random.nextInt(publishers)).add(frame);
            }
        }
        work.forEach(Collections::shuffle);
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (List<Frame> frames : work) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                for (Frame frame : frames) {
                    hub.publish(frame);
                    if (ThreadLocalRandom.current().nextInt(16) == 0) {
                        Thread.yield();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread thread : threads) {
            thread.join(30_000);
        }
        for (int battery = 1; battery <= batteries; battery++) {
            int id = battery;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(
                    () -> assertThat(socket.lastOf(id).timestamp()).isEqualTo(versions));
        }
    }

    private static EncodedState state(int battery, long timestamp) {
        return ENCODER.state(new BatteryState(battery, Map.of("timestamp", Long.toString(timestamp),
                                                              "voltage", Long.toString(timestamp % 600))));
    }

    private static Frame update(int battery, long timestamp, long wsTimestamp) {
        return ENCODER.update(state(battery, timestamp), wsTimestamp, System.nanoTime());
    }

    /** What a client last saw of a battery. */
    private record Seen(long timestamp, boolean stale) {
    }

    /** Records what the client was sent; a write can be held to let frames queue behind it. */
    private static final class GatedTransport extends HubStandIns.QuietTransport {
        private final List<String> all = Collections.synchronizedList(new ArrayList<>());
        private volatile CountDownLatch gate = new CountDownLatch(0);
        private final CountDownLatch blocked = new CountDownLatch(1);
        private volatile boolean holding;

        void hold() {
            gate = new CountDownLatch(1);
            holding = true;
        }

        void release() {
            gate.countDown();
        }

        void awaitBlocked() throws InterruptedException {
            assertThat(blocked.await(10, TimeUnit.SECONDS)).isTrue();
        }

        void awaitWrites(int n) {
            await().atMost(Duration.ofSeconds(10)).until(() -> all.size() >= n);
        }

        /** The last state of a battery in the frames written so far. */
        Seen lastOf(int battery) {
            Seen last = null;
            synchronized (all) {
                for (String text : all) {
                    Matcher m = MEMBER.matcher(text);
                    while (m.find()) {
                        if (Integer.parseInt(m.group(1)) == battery) {
                            last = new Seen(Long.parseLong(m.group(2)), m.group(3) != null);
                        }
                    }
                }
            }
            return last;
        }

        @Override
        public void write(byte[] frames) {
            all.add(new String(frames, StandardCharsets.UTF_8));
            if (holding) {
                holding = false;
                blocked.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
