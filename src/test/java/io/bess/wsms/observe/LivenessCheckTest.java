package io.bess.wsms.observe;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import io.bess.wsms.timer.Housekeeping;
import io.helidon.health.HealthCheckResponse;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Liveness is DOWN in the states a restart fixes: a housekeeping loop that hangs, or a writer nobody could reap. */
class LivenessCheckTest {
    @Test
    void upWhileEverythingWorks() {
        HealthCheckResponse response = new LivenessCheck(List::of, () -> 0).call();
        assertThat(response.status()).isEqualTo(HealthCheckResponse.Status.UP);
    }

    @Test
    void downWhenAHousekeepingLoopHangsAndUpAgainWhenItRecovers() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Housekeeping housekeeping = new Housekeeping(Housekeeping.Failures.NONE)) {
            housekeeping.every("keepalive-ticker", Duration.ofMillis(50), () -> {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            LivenessCheck check = new LivenessCheck(() -> housekeeping.late(System.nanoTime()), () -> 0);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> check.call().status() == HealthCheckResponse.Status.DOWN);
            assertThat(check.call().details()).containsEntry("stalledHousekeeping", "keepalive-ticker");
            release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> check.call().status() == HealthCheckResponse.Status.UP);
        }
    }

    @Test
    void downWhileAWriterIsStuckUnreaped() {
        HealthCheckResponse response = new LivenessCheck(List::of, () -> 2).call();
        assertThat(response.status()).isEqualTo(HealthCheckResponse.Status.DOWN);
        assertThat(response.details()).containsEntry("stuckWriters", 2);
    }
}
