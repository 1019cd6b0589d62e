package io.bess.wsms.redis;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** A subscriber connection's channel sets, without a connection: what is sent, confirmed, lost and moved. */
class LaneChannelsTest {
    private static final String ONE = "battery:1:data";
    private static final String TWO = "battery:2:data";
    private static final String THREE = "battery:3:data";

    @Test
    void aNewConnectionSubscribesWhatIsDesiredAndLaterChangesGoOutAsOneDifference() {
        LaneChannels channels = new LaneChannels();
        channels.want(Map.of(ONE, 1, TWO, 2), Set.of());
        channels.connected(List.copyOf(channels.desired()));
        assertThat(channels.sync().isEmpty()).as("the first command asked for everything").isTrue();

        channels.want(Map.of(THREE, 3), Set.of(ONE));
        LaneChannels.Change change = channels.sync();
        assertThat(change.add()).containsExactly(THREE);
        assertThat(change.remove()).containsExactly(ONE);
        assertThat(channels.sync().isEmpty()).as("sent once").isTrue();
    }

    @Test
    void aConfirmationNeedsACatchUpReadOnceAndOnlyWhileTheChannelIsWanted() {
        LaneChannels channels = new LaneChannels();
        channels.want(Map.of(ONE, 1), Set.of());
        channels.connected(List.of(ONE));
        assertThat(channels.confirmed(ONE)).isEqualTo(1);
        assertThat(channels.confirmed(ONE)).as("a repeated confirmation reads nothing").isNull();
        channels.want(Map.of(), Set.of(TWO));
        channels.want(Map.of(TWO, 2), Set.of());
        channels.want(Map.of(), Set.of(TWO));
        assertThat(channels.confirmed(TWO)).as("confirmed after it was dropped: no read").isNull();
    }

    @Test
    void ourOwnUnsubscribeIsNoMoveButOneRedisPushesForAWantedChannelIs() {
        LaneChannels channels = new LaneChannels();
        channels.want(Map.of(ONE, 1, TWO, 2), Set.of());
        channels.connected(List.of(ONE, TWO));
        channels.confirmed(ONE);
        channels.confirmed(TWO);

        channels.want(Map.of(), Set.of(ONE));
        channels.sync();
        assertThat(channels.ended(ONE)).isEqualTo(new LaneChannels.Ended(true, false));

        // Redis ends TWO by itself (its slot moved): it is still wanted, so it must be asked for again
        assertThat(channels.ended(TWO)).isEqualTo(new LaneChannels.Ended(true, true));
        assertThat(channels.sync().add()).containsExactly(TWO);
    }

    @Test
    void aLostConnectionLosesEveryConfirmedChannelAndTheNextSubscribesAllAgain() {
        LaneChannels channels = new LaneChannels();
        channels.want(Map.of(ONE, 1, TWO, 2), Set.of());
        channels.connected(List.of(ONE, TWO));
        channels.confirmed(ONE);
        assertThat(channels.disconnected()).containsExactly(ONE);
        assertThat(channels.anyRequested()).isNull();
        assertThat(channels.desired()).containsExactlyInAnyOrder(ONE, TWO);
    }

    @Test
    void droppingABatteryReportsItUnlessItIsAddedBackInTheSameChange() {
        LaneChannels channels = new LaneChannels();
        channels.want(Map.of(ONE, 1, TWO, 2), Set.of());
        assertThat(channels.want(Map.of(TWO, 2), Set.of(ONE, TWO))).containsExactly(1);
        assertThat(channels.size()).isEqualTo(1);
    }
}
