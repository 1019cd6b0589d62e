package io.bess.wsms.observe;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.bess.wsms.ServiceFixture;

/**
 * Prometheus text exposition (format 0.0.4), parsed just enough for tests: {@code # TYPE} lines and samples with
 * their labels and values.
 *
 * @param types   metric family name to type
 * @param samples every sample, in order
 */
public record PrometheusText(Map<String, String> types, List<Sample> samples) {
    /**
     * One sample line.
     *
     * @param name   sample name (with {@code _total}, {@code _bucket}... suffix as exported)
     * @param labels label names to values
     * @param value  the value
     */
    public record Sample(String name, Map<String, String> labels, double value) {
    }

    /**
     * GETs {@code /observe/metrics} and parses it.
     *
     * @param service the running service
     * @return the parsed text
     */
    public static PrometheusText scrape(ServiceFixture service) {
        HttpResponse<String> response = Http.get(service.http("/observe/metrics"));
        if (response.statusCode() != 200) {
            throw new AssertionError("/observe/metrics answered " + response.statusCode() + ": " + response.body());
        }
        return parse(response.body());
    }

    /**
     * Parses exposition text.
     *
     * @param text the text
     * @return the parsed text
     */
    public static PrometheusText parse(String text) {
        Map<String, String> types = new LinkedHashMap<>();
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring(7).trim().split(" ");
                types.put(parts[0], parts[1]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                samples.add(sample(line));
            }
        }
        return new PrometheusText(types, samples);
    }

    /** Samples with this name whose labels include every given pair. */
    public List<Sample> samples(String name, Map<String, String> labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /**
     * The value of the samples with this name and these labels (others, e.g. {@code scope}, ignored): of the one
     * such sample, or the sum of several, as for the client metrics split by {@code transport} ({@code ws} and
     * {@code sse}) when no transport is named; fails when there is none.
     */
    public double value(String name, Map<String, String> labels) {
        List<Sample> found = samples(name, labels);
        if (found.isEmpty()) {
            throw new AssertionError("expected a sample " + name + labels + ", found none");
        }
        return found.stream().mapToDouble(Sample::value).sum();
    }

    /** The value of the samples with this name, whatever their labels (summed, as {@link #value(String, Map)}). */
    public double value(String name) {
        return value(name, Map.of());
    }

    /** A family's type, from its {@code # TYPE} line. */
    public Optional<String> type(String family) {
        return Optional.ofNullable(types.get(family));
    }

    private static Sample sample(String line) {
        int brace = line.indexOf('{');
        int space = line.lastIndexOf(' ');
        Map<String, String> labels = new LinkedHashMap<>();
        String name;
        if (brace >= 0 && brace < space) {
            name = line.substring(0, brace);
            int close = line.lastIndexOf('}');
            parseLabels(line.substring(brace + 1, close), labels);
        } else {
            name = line.substring(0, line.indexOf(' '));
        }
        return new Sample(name, labels, number(line.substring(space + 1).trim()));
    }

    private static void parseLabels(String text, Map<String, String> labels) {
        int i = 0;
        while (i < text.length()) {
            int eq = text.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String key = text.substring(i, eq).trim();
            StringBuilder value = new StringBuilder();
            int j = eq + 2; // past ="
            while (text.charAt(j) != '"') {
                char c = text.charAt(j);
                if (c == '\\') {
                    j++;
                    char escaped = text.charAt(j);
                    value.append(escaped == 'n' ? '\n' : escaped);
                } else {
                    value.append(c);
                }
                j++;
            }
            labels.put(key, value.toString());
            i = j + 1;
            if (i < text.length() && text.charAt(i) == ',') {
                i++;
            }
        }
    }

    private static double number(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }
}
