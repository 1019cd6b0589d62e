package io.bess.wsms.logging;

import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.bess.wsms.support.LogCapture;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Credentials are taken out of a redacted logger's records, message and exception chain, before any handler. */
class SecretRedactionTest {
    @Test
    void tokensBearerCredentialsAndAuthorizationValuesAreRedactedAndTheRestKept() {
        assertThat(SecretRedaction.redact("GET /ws?batteries=1&token=abc.def HTTP/1.1"))
                .isEqualTo("GET /ws?batteries=1&token=[redacted] HTTP/1.1");
        assertThat(SecretRedaction.redact("Query contains invalid char (non-ASCII): token=s3cret&x=??, index: 9"))
                .isEqualTo("Query contains invalid char (non-ASCII): token=[redacted]&x=??, index: 9");
        assertThat(SecretRedaction.redact("/api?access_token=s3cret")).isEqualTo("/api?access_token=[redacted]");
        assertThat(SecretRedaction.redact("Host: x\nAuthorization: Basic dXNlcjpwdw==\nAccept: */*"))
                .isEqualTo("Host: x\nAuthorization: [redacted]\nAccept: */*");
        assertThat(SecretRedaction.redact("Sec-WebSocket-Protocol: bearer, eyJhbGciOi.eyJzdWIi.sig"))
                .isEqualTo("Sec-WebSocket-Protocol: bearer, [redacted]");
        assertThat(SecretRedaction.redact("presented Bearer s3cret twice: bearer s3cret"))
                .isEqualTo("presented Bearer [redacted] twice: bearer [redacted]");
        assertThat(SecretRedaction.redact("GET /ws?batteries=1,2 HTTP/1.1 from 10.0.0.1 (no tokens here)"))
                .isEqualTo("GET /ws?batteries=1,2 HTTP/1.1 from 10.0.0.1 (no tokens here)");
    }

    @Test
    void aRedactedLoggersRecordsReachNoHandlerWithTheSecretUntilClosed() {
        String name = "io.bess.wsms.logging.test." + System.nanoTime();
        Logger logger = Logger.getLogger(name);
        try (LogCapture capture = LogCapture.of(name, Level.ALL)) {
            try (SecretRedaction ignored = SecretRedaction.install(List.of(name))) {
                logger.log(Level.FINE, "request {0}", "/ws?token=s3cret");
                logger.log(Level.WARNING, "failed", new IllegalStateException("outer",
                        new IllegalArgumentException("Invalid header: Authorization: Bearer s3cret")));
            }
            logger.log(Level.FINE, "after close: token=visible");
            String text = capture.text();
            assertThat(text).doesNotContain("s3cret")
                    .contains("request /ws?token=[redacted]")
                    .contains("java.lang.IllegalStateException: outer")
                    .contains("java.lang.IllegalArgumentException: Invalid header: Authorization: [redacted]")
                    .contains("at io.bess.wsms.logging.SecretRedactionTest")
                    .contains("after close: token=visible");
        }
    }
}
