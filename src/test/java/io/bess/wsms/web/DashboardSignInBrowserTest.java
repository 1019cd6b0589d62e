package io.bess.wsms.web;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;

import io.bess.wsms.ServiceFixture;
import io.bess.wsms.logging.EcsFields;
import io.bess.wsms.support.LogCapture;
import io.bess.wsms.support.RequiresTool;
import io.bess.wsms.support.TestIssuer;
import io.bess.wsms.support.Tool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 15, points 2, 4 and 6, in a real headless Chromium: the dashboard takes its token from a #token= fragment
 * (or an old ?token= link, or its sign-in field), removes it from the address bar at once, keeps it in
 * sessionStorage, connects with the bearer subprotocol, shows only the batteries the token permits, and says
 * "Simulated data" when the service runs in demo mode (embedded Redis and the simulator, as here).
 */
@RequiresTool(Tool.CHROMIUM)
class DashboardSignInBrowserTest {
    private static final Duration LOAD = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    private static TestIssuer issuer;
    private static ServiceFixture service;
    private static Chromium browser;

    @BeforeAll
    static void start() throws Exception {
        issuer = TestIssuer.create(dir);
        Map<String, String> config = new HashMap<>(issuer.settings());
        config.put("simulator.enabled", "true");
        config.put("simulator.batteries", "8");
        service = ServiceFixture.start(config);
        browser = Chromium.launch(Chromium.binary());
    }

    @AfterAll
    static void stop() throws Exception {
        try (ServiceFixture s = service; Chromium b = browser) {
            service = null;
            browser = null;
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aFragmentTokenLeavesTheAddressBarAtOnceAndScopesTheCards() {
        String token = issuer.token("alice", "1-3");
        try (LogCapture audit = LogCapture.of(AuditTrail.LOGGER_NAME, Level.INFO);
             Dashboard dashboard = Dashboard.openLive(browser, url("/?view=cards#token=" + token), LOAD)) {
            Chromium.Page page = dashboard.page();
            assertThat(page.evalString("location.href")).doesNotContain("token").doesNotContain(token.substring(0, 20))
                    .endsWith("/?view=cards");
            assertThat(page.evalString("sessionStorage.getItem('wsms.auth')")).contains(token);
            await().atMost(LOAD).until(() -> dashboard.batteries() == 3);
            assertThat(cardIds(page)).containsExactlyInAnyOrder("1", "2", "3");
            assertThat(page.evalBoolean("document.getElementById('demo-banner').hidden")).isFalse();
            assertThat(page.evalString("document.getElementById('demo-banner').textContent"))
                    .contains("Simulated data");
            assertThat(page.evalBoolean("document.getElementById('signout').hidden")).isFalse();
            await().atMost(LOAD).until(() -> audit.records().stream().anyMatch(r -> via(r).equals("subprotocol")));
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void anOldQueryTokenLinkIsMovedOutOfTheAddressBarToo() {
        String token = issuer.token("bob", List.of(4, 5));
        try (Dashboard dashboard = Dashboard.openLive(browser, url("/?token=" + token + "&view=cards"), LOAD)) {
            Chromium.Page page = dashboard.page();
            assertThat(page.evalString("location.href")).doesNotContain("token=").endsWith("/?view=cards");
            await().atMost(LOAD).until(() -> dashboard.batteries() == 2);
            assertThat(cardIds(page)).containsExactlyInAnyOrder("4", "5");
        }
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void withoutATokenTheSignInFieldAsksForOneAndUsesIt() {
        try (Chromium.Page page = browser.open(url("/?view=cards"))) {
            await().atMost(LOAD).ignoreExceptions()
                    .until(() -> !page.evalBoolean("document.getElementById('signin').hidden"));
            assertThat(page.evalString("document.getElementById('conn').dataset.state")).isEqualTo("connecting");
            String token = issuer.token("carol", "6");
            page.evalString("(() => { document.getElementById('signin-token').value = '" + token + "';"
                                    + " document.getElementById('signin-form').requestSubmit(); return 'ok'; })()");
            await().atMost(LOAD).ignoreExceptions()
                    .until(() -> "live".equals(page.evalString("document.getElementById('conn').dataset.state"))
                            && page.evalBoolean("document.getElementById('signin').hidden")
                            && cardIds(page).equals(List.of("6")));
            assertThat(page.evalString("document.getElementById('signin-token').value")).isEmpty();
            assertThat(page.evalString("location.href")).doesNotContain("token");
        }
    }

    private static List<String> cardIds(Chromium.Page page) {
        return page.evalJson("JSON.stringify([...document.querySelectorAll('#grid .card')]"
                                     + ".map(c => c.dataset.batteryId))")
                .asJsonArray().getValuesAs(v -> ((jakarta.json.JsonString) v).getString());
    }

    private static String via(java.util.logging.LogRecord record) {
        Object[] p = record.getParameters();
        return p != null && p.length == 1 && p[0] instanceof EcsFields f
                ? String.valueOf(f.fields().getOrDefault("wsms.auth.via", "")) : "";
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + service.port() + path;
    }
}
