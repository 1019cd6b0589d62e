package io.bess.wsms.hub;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client's rate cap in its outbox: a state that comes within the interval is held back and the newest one takes its
 * place, it leaves when the wheel calls, stale flags are never held, and removing or changing the cap lets what was
 * held go at once. The cap here is one state per 1,000 s, so that only the test's own calls release anything.
 */
class RateCapTest {
    private static final long LONG_AFTER = Duration.ofSeconds(1001).toNanos();

    private final RateWheel wheel = RateWheel.turnedByHand(System.nanoTime());

    @Test
    void aStateWithinTheIntervalIsHeldTheNewestReplacesItAndLeavesWhenItsTimeComes() {
        Outbox outbox = capped();
        assertThat(outbox.offer(frame(1, 10))).as("a battery's first state leaves at once").isEqualTo(OfferResult.QUEUED);
        assertThat(outbox.offer(frame(1, 11))).isEqualTo(OfferResult.HELD);
        assertThat(outbox.offer(frame(1, 12))).as("the newest takes the held one's place").isEqualTo(OfferResult.SKIPPED);
        assertThat(outbox.offer(frame(1, 9))).as("never an older state").isEqualTo(OfferResult.OUTDATED);
        assertThat(outbox.pendingUpdates()).isEqualTo(2);
        assertThat(wheel.size()).as("the wheel will call the client").isEqualTo(1);
        assertThat(drained(outbox)).extracting(Frame::deviceTimestamp).containsExactly(10L);

        assertThat(outbox.releaseDue(System.nanoTime())).as("too early").isFalse();
        assertThat(outbox.releaseDue(System.nanoTime() + LONG_AFTER)).isTrue();
        assertThat(drained(outbox)).extracting(Frame::deviceTimestamp).containsExactly(12L);
        assertThat(outbox.offer(frame(1, 13))).as("the interval counts from the state that just left")
                .isEqualTo(OfferResult.HELD);
    }

    @Test
    void eachBatteryHasItsOwnInterval() {
        Outbox outbox = capped();
        for (int battery = 1; battery <= 100; battery++) {
            assertThat(outbox.offer(frame(battery, 10))).isEqualTo(OfferResult.QUEUED);
            assertThat(outbox.offer(frame(battery, 11))).isEqualTo(OfferResult.HELD);
        }
        assertThat(outbox.pendingUpdates()).as("bounded: one queued and one held per battery").isEqualTo(200);
        drained(outbox);
        assertThat(outbox.releaseDue(System.nanoTime() + LONG_AFTER)).isTrue();
        assertThat(drained(outbox)).hasSize(100).allMatch(f -> f.deviceTimestamp() == 11L);
    }

    @Test
    void staleFlagsAreNeverHeldAndReplaceOnlyTheStateTheyFlag() {
        Outbox outbox = capped();
        outbox.offer(frame(1, 10));
        drained(outbox);
        outbox.offer(frame(1, 11));
        assertThat(outbox.offer(stale(frame(1, 11)))).as("the held state's stale flag leaves at once")
                .isEqualTo(OfferResult.QUEUED);
        assertThat(outbox.pendingUpdates()).as("and takes the held state's place").isEqualTo(1);
        assertThat(drained(outbox)).extracting(Frame::stale, Frame::deviceTimestamp).containsExactly(
                org.assertj.core.groups.Tuple.tuple(true, 11L));

        outbox.offer(frame(1, 12));
        assertThat(outbox.offer(stale(frame(1, 11)))).as("a stale flag of an older state than the held one")
                .isEqualTo(OfferResult.OUTDATED);
        assertThat(outbox.offer(stale(frame(2, 5)))).as("another battery's stale flag, with nothing held")
                .isEqualTo(OfferResult.QUEUED);
    }

    @Test
    void removingTheCapLetsTheHeldStatesGoAtOnceAndLaterOnesAreNotHeld() {
        Outbox outbox = capped();
        outbox.offer(frame(1, 10));
        outbox.offer(frame(1, 11));
        drained(outbox);
        assertThat(outbox.throttle(null)).as("the held state is queued").isTrue();
        assertThat(drained(outbox)).extracting(Frame::deviceTimestamp).containsExactly(11L);
        assertThat(outbox.offer(frame(1, 12))).isEqualTo(OfferResult.QUEUED);
        assertThat(outbox.offer(frame(1, 13))).isEqualTo(OfferResult.CONFLATED);
    }

    @Test
    void aNewCapCountsEachBatteryFromItsLastStateSoAChangeLetsNoBurstThrough() {
        Outbox outbox = capped();
        outbox.offer(frame(1, 10));
        drained(outbox);
        outbox.throttle(new RateCap(0.002, wheel, now -> { }));
        assertThat(outbox.offer(frame(1, 11))).isEqualTo(OfferResult.HELD);
    }

    @Test
    void batteriesTheClientDropsAreForgottenHeldStatesIncluded() {
        Outbox outbox = capped();
        outbox.offer(frame(1, 10));
        outbox.offer(frame(1, 11));
        outbox.offer(frame(2, 10));
        outbox.offer(frame(2, 11));
        outbox.discardUnwanted(Selection.of(Set.of(2)));
        assertThat(outbox.pendingUpdates()).isEqualTo(2);
        drained(outbox);
        outbox.releaseDue(System.nanoTime() + LONG_AFTER);
        assertThat(drained(outbox)).extracting(Frame::battery).containsExactly(2);
    }

    @Test
    void theWheelsCallWakesTheWriterWhichSendsTheNewestState() throws Exception {
        HubStandIns.RecordingTransport socket = new HubStandIns.RecordingTransport();
        Hub hub = new Hub(batteries -> { }, new LatestStates());
        ClientSession session = HubStandIns.session(socket);
        hub.register(session);
        assertThat(socket.writes.poll(10, TimeUnit.SECONDS)).as("the snapshot").isNotNull();
        session.throttle(4);
        FrameEncoder encoder = new FrameEncoder();
        List<Frame> frames = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            Frame frame = encoder.update(new BatteryState(1, Map.of("timestamp", Integer.toString(i))), i, 0);
            frames.add(frame);
            hub.publish(frame);
        }
        assertThat(socket.writes.poll(10, TimeUnit.SECONDS)).as("the first state, at once")
                .isEqualTo(frames.getFirst().wire());
        assertThat(socket.writes.poll(10, TimeUnit.SECONDS)).as("the newest, when the interval has passed")
                .isEqualTo(frames.getLast().wire());
        assertThat(socket.writes.poll(500, TimeUnit.MILLISECONDS)).as("nothing in between").isNull();
        hub.unregister(session);
    }

    private Outbox capped() {
        Outbox outbox = new Outbox();
        outbox.throttle(new RateCap(0.001, wheel, now -> { }));
        return outbox;
    }

    private static List<Frame> drained(Outbox outbox) {
        Outbox.Drain drain = new Outbox.Drain();
        outbox.claimWriter();
        outbox.drainOrRelease(drain);
        outbox.drainOrRelease(new Outbox.Drain());
        return new ArrayList<>(drain.updates);
    }

    private static Frame frame(int battery, long timestamp) {
        return new Frame(new EncodedState(battery, timestamp, (int) timestamp, "{}"), false,
                         WireFormat.text("f" + timestamp), 0);
    }

    private static Frame stale(Frame frame) {
        return new Frame(frame.state(), true, frame.wire(), 0);
    }
}
