package io.bess.wsms.hub;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The two framings of the same messages: WebSocket frames, and Server-Sent Events made once per update. */
class FramingTest {
    private final Frame frame = new FrameEncoder().update(
            new BatteryState(7, Map.of("timestamp", "100", "voltage", "230", "note", "line\nbreak")), 150, 0);

    @Test
    void anUpdatesEventIsOneDataLineWithTheSameJsonAsItsWebSocketFrame() {
        String event = new String(Framing.SSE.update(frame), StandardCharsets.UTF_8);
        assertThat(event).isEqualTo("data: " + frame.text() + "\n\n");
        assertThat(frame.text()).as("line breaks in values are escaped in the JSON").doesNotContain("\n");
        assertThat(Framing.WEBSOCKET.update(frame)).isSameAs(frame.wire());
    }

    @Test
    void anUpdatesEventIsMadeOnceAndSharedByEveryEventStreamClient() {
        assertThat(Framing.SSE.update(frame)).isSameAs(Framing.SSE.update(frame)).isSameAs(frame.sse());
    }

    @Test
    void textWithLineBreaksBecomesSeveralDataLinesOfOneEvent() {
        assertThat(new String(SseFormat.data("a\nb\r\nc"), StandardCharsets.UTF_8))
                .isEqualTo("data: a\ndata: b\ndata: c\n\n");
        assertThat(new String(Framing.SSE.text("{}"), StandardCharsets.UTF_8)).isEqualTo("data: {}\n\n");
    }

    @Test
    void keepaliveIsAPingOnAWebSocketAndACommentOnAnEventStreamWhichNoClientAnswers() {
        assertThat(Framing.WEBSOCKET.keepalive()).containsExactly(0x89, 0);
        assertThat(Framing.WEBSOCKET.keepaliveAnswered()).isTrue();
        assertThat(new String(Framing.SSE.keepalive(), StandardCharsets.UTF_8)).isEqualTo(": keepalive\n\n");
        assertThat(Framing.SSE.keepaliveAnswered()).isFalse();
        assertThat(new String(SseFormat.comment("two\nlines"), StandardCharsets.UTF_8)).isEqualTo(": two lines\n\n");
    }
}
