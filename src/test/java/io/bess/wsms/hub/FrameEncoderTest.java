package io.bess.wsms.hub;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.bess.wsms.support.WsTestClient;
import jakarta.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Frames are valid JSON whatever Redis holds. */
class FrameEncoderTest {
    private final FrameEncoder encoder = new FrameEncoder();

    @Test
    void oddValuesProduceValidJson() {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("timestamp", "100");
        fields.put("lone surrogate", "a\uD800b");
        fields.put("control", "\u0001\u001f");
        fields.put("huge", "9".repeat(40));
        fields.put("exponent", "1e5");
        fields.put("leading zero", "01");
        fields.put("latency_ms", "spoofed");
        Frame frame = encoder.update(new BatteryState(9, fields), 150, 0);
        JsonObject data = WsTestClient.parse(frame.text()).getJsonObject("battery:9:data");
        assertThat(data.getString("control")).isEqualTo("\u0001\u001f");
        assertThat(data.getString("huge")).isEqualTo("9".repeat(40));
        assertThat(data.getJsonNumber("exponent").doubleValue()).isEqualTo(1e5);
        assertThat(data.getString("leading zero")).isEqualTo("01");
        assertThat(data.getInt("latency_ms")).isEqualTo(50);
        assertThat(frame.deviceTimestamp()).isEqualTo(100);
    }

    @Test
    void snapshotOfNothingIsEmptyObjectAndOfBatteriesHasNoServerFields() {
        assertThat(encoder.snapshot(List.of(), 0)).isEqualTo("{}");
        String snapshot = encoder.snapshot(List.of(encoder.state(new BatteryState(1, Map.of("timestamp", "5",
                                                                                             "voltage", "1")))),
                                           1_000_000);
        assertThat(snapshot).isEqualTo("{\"battery:1:data\":{\"timestamp\":5,\"voltage\":1}}");
    }

    @Test
    void statesOlderThanTheStaleTimeAreFlaggedInUpdatesSnapshotsAndObjects() {
        FrameEncoder flagging = new FrameEncoder(Duration.ofSeconds(10));
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("timestamp", "1000");
        fields.put("voltage", "130");
        fields.put("stale", "spoofed by the hash");
        EncodedState state = flagging.state(new BatteryState(4, fields));

        JsonObject fresh = WsTestClient.parse(flagging.update(state, 11_000, 0).text()).getJsonObject("battery:4:data");
        assertThat(fresh).doesNotContainKey("stale");
        Frame staleFrame = flagging.update(state, 11_001, 0);
        JsonObject stale = WsTestClient.parse(staleFrame.text()).getJsonObject("battery:4:data");
        assertThat(stale.getBoolean("stale")).isTrue();
        assertThat(stale.getInt("voltage")).isEqualTo(130);
        assertThat(stale.getInt("latency_ms")).isEqualTo(10_001);
        assertThat(staleFrame.orderHash()).as("not a repeat of the unflagged frame")
                .isNotEqualTo(flagging.update(state, 11_000, 0).orderHash());

        assertThat(flagging.snapshot(List.of(state), 11_001))
                .isEqualTo("{\"battery:4:data\":{\"timestamp\":1000,\"voltage\":130,\"stale\":true}}");
        assertThat(flagging.object(state, 11_000)).isEqualTo("{\"timestamp\":1000,\"voltage\":130}");
        assertThat(encoder.update(state, 99_999_999, 0).stale()).as("off by default").isFalse();
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"0,true", "-0,true", "136,true", "-12.5,true", "1e5,true",
            "2.5E-3,true", "999999999999999999,true", "9999999999999999999,false", "01,false", "1.,false",
            ".5,false", "-,false", "1e,false", "1e1234,false", "0x1f,false", "' 1',false", "'1 ',false", "NaN,false",
            "Infinity,false", "'',false"})
    void numbersAreRecognisedByTheJsonGrammar(String text, boolean number) {
        assertThat(FrameEncoder.isJsonNumber(text)).as(text).isEqualTo(number);
    }
}
