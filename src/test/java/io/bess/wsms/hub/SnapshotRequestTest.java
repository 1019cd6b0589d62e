package io.bess.wsms.hub;

import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Pending snapshot requests stay bounded however many a client that never reads piles up. */
class SnapshotRequestTest {
    @Test
    void requestsMergeIntoOneAndBecomeTheWholeSelectionPastTheBound() {
        SnapshotRequest pending = null;
        for (int i = 0; i < 100; i++) {
            Set<Integer> ids = IntStream.range(i * 100, i * 100 + 100).boxed().collect(Collectors.toSet());
            pending = SnapshotRequest.of(ids).merge(pending);
        }
        assertThat(pending).isEqualTo(SnapshotRequest.WHOLE);
        assertThat(SnapshotRequest.of(Set.of(1)).merge(SnapshotRequest.of(Set.of(2))).batteries())
                .containsExactlyInAnyOrder(1, 2);
    }

    @Test
    void batteriesTheClientNoLongerWantsLeaveThePendingRequest() {
        SnapshotRequest request = SnapshotRequest.of(Set.of(1, 2, 3));
        assertThat(request.within(Selection.of(Set.of(2, 9))).batteries()).containsExactly(2);
        assertThat(request.within(Selection.of(Set.of())).batteries()).as("still answered, with {}").isEmpty();
        assertThat(SnapshotRequest.WHOLE.within(Selection.of(Set.of(1)))).isEqualTo(SnapshotRequest.WHOLE);
    }
}
