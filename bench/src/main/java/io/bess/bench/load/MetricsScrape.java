package io.bess.bench.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Reads counters from the service's {@code /observe/metrics} (Prometheus text). */
final class MetricsScrape {
    /** Battery states put into snapshot frames, by {@code source} (redis, cache): exported by the snapshot cache. */
    static final String SNAPSHOT_STATES = "wsms_snapshot_states_total";

    private final String text;

    private MetricsScrape(String text) {
        this.text = text;
    }

    /** One scrape, or an empty one (every figure NaN) when the endpoint does not answer. */
    static MetricsScrape of(int port) {
        try {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/metrics"))
                    .header("Accept", "text/plain").timeout(Duration.ofSeconds(10)).GET().build();
            HttpResponse<String> res = http.send(req, HttpResponse.BodyHandlers.ofString());
            return new MetricsScrape(res.statusCode() == 200 ? res.body() : "");
        } catch (IOException e) {
            return new MetricsScrape("");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new MetricsScrape("");
        }
    }

    /**
     * The sum of every sample of {@code metric} whose labels contain {@code label="value"} (any other labels, such
     * as Helidon's {@code scope}, are allowed); NaN when there is no such sample.
     */
    double sum(String metric, String label, String value) {
        double total = Double.NaN;
        String want = label + "=\"" + value + "\"";
        for (String line : text.split("\n")) {
            if (line.startsWith("#") || !line.startsWith(metric)) {
                continue;
            }
            int brace = line.indexOf('{');
            int close = line.indexOf('}', Math.max(brace, 0));
            if (brace != metric.length() || close < 0) {
                continue; // another metric with this one's name as a prefix, or an unlabelled sample
            }
            if (!line.substring(brace, close + 1).contains(want)) {
                continue;
            }
            try {
                // "name{labels} value [timestamp]"
                double v = Double.parseDouble(line.substring(close + 1).trim().split("\\s+")[0]);
                total = Double.isNaN(total) ? v : total + v;
            } catch (NumberFormatException e) {
                // not a sample line
            }
        }
        return total;
    }
}
