package io.bess.wsms.web;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Parses and checks battery ids given by a client, in a query string or in a command. */
final class BatteryIds {
    /** Longest id text worth parsing: Integer.MAX_VALUE has 10 digits. */
    private static final int MAX_DIGITS = 10;

    private BatteryIds() {
    }

    /**
     * Parses {@code batteries} query values: comma lists, the parameter may repeat.
     *
     * @param values the parameter's values
     * @param max    most ids allowed
     * @return the ids
     * @throws BadRequestException for an empty, non-numeric, negative, too large or repeated id, or too many ids
     */
    static Set<Integer> fromQuery(List<String> values, int max) throws BadRequestException {
        Set<Integer> ids = new LinkedHashSet<>();
        for (String value : values) {
            if (value.isEmpty()) {
                throw new BadRequestException("batteries must be a comma-separated list of battery ids, e.g."
                                                      + " batteries=1,2,7; it was empty.");
            }
            for (String part : value.split(",", -1)) {
                add(ids, parse(part.strip()), max);
            }
        }
        return ids;
    }

    /**
     * Checks ids given as JSON numbers in a command.
     *
     * @param values the numbers, as longs
     * @param max    most ids allowed
     * @return the ids
     * @throws BadRequestException as for {@link #fromQuery}
     */
    static Set<Integer> fromNumbers(List<Long> values, int max) throws BadRequestException {
        Set<Integer> ids = new LinkedHashSet<>();
        for (Long value : values) {
            if (value < 0 || value > Integer.MAX_VALUE) {
                throw new BadRequestException("battery id " + value + " is out of range: ids are integers from 0 to "
                                                      + Integer.MAX_VALUE + ".");
            }
            add(ids, value.intValue(), max);
        }
        return ids;
    }

    private static void add(Set<Integer> ids, int id, int max) throws BadRequestException {
        if (!ids.add(id)) {
            throw new BadRequestException("battery " + id + " is listed twice.");
        }
        if (ids.size() > max) {
            throw new BadRequestException("too many battery ids: at most " + max + " per client.");
        }
    }

    private static int parse(String text) throws BadRequestException {
        if (text.isEmpty()) {
            throw new BadRequestException("batteries has an empty item: give ids separated by single commas,"
                                                  + " e.g. batteries=1,2,7.");
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '-' && i == 0 && text.length() > 1) {
                throw new BadRequestException("battery id " + shorten(text) + " is negative: ids are integers from 0"
                                                      + " to " + Integer.MAX_VALUE + ".");
            }
            if (c < '0' || c > '9') {
                throw new BadRequestException("battery id '" + shorten(text) + "' is not a number: ids are decimal"
                                                      + " integers, e.g. batteries=1,2,7.");
            }
        }
        if (text.length() > MAX_DIGITS || Long.parseLong(text) > Integer.MAX_VALUE) {
            throw new BadRequestException("battery id " + shorten(text) + " is too large: ids are integers from 0 to "
                                                  + Integer.MAX_VALUE + ".");
        }
        return Integer.parseInt(text);
    }

    /** Echoes at most a little of the client's text, and only printable ASCII of it. */
    static String shorten(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 24; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 24 ? out + "..." : out.toString();
    }
}
