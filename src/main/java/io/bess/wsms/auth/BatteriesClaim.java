package io.bess.wsms.auth;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the batteries a token permits from its claims. The claim is named by {@code auth.jwt.batteries-claim}: a
 * top-level name first (namespaced claims such as {@code https://example.com/batteries} contain dots), else a dotted
 * path into nested objects ({@code resource_access.wsms.batteries}). Its value is a JSON array of ids and ranges,
 * as numbers or strings ({@code [1, "10-20"]}), one string ({@code "1-3,7"}), or {@code "*"} for every battery.
 * A value that is not entirely understood permits nothing: a claim is never half read.
 */
final class BatteriesClaim {
    /** Most ids and ranges read from one claim; a token is a few KB at most, this is far beyond any real one. */
    static final int MAX_ENTRIES = 10_000;
    private static final BigInteger MAX_ID = BigInteger.valueOf(Integer.MAX_VALUE);

    private final String name;
    private final String[] path;

    /**
     * Creates the reader.
     *
     * @param name the claim's name or dotted path
     */
    BatteriesClaim(String name) {
        this.name = name;
        this.path = name.split("\\.");
    }

    /** The claim's name, for messages. */
    String name() {
        return name;
    }

    /**
     * The permissions the claims grant.
     *
     * @param claims a token's claims, as Nimbus gives them (nested objects as maps)
     * @return the permissions; {@link Permissions#NONE} when the claim is absent or empty
     * @throws InvalidClaimException when the claim is there but not a list of ids and ranges
     */
    Permissions read(Map<String, Object> claims) throws InvalidClaimException {
        Optional<Object> value = find(claims);
        if (value.isEmpty()) {
            return Permissions.NONE;
        }
        List<int[]> ranges = new ArrayList<>();
        if (value.get() instanceof List<?> list) {
            if (list.size() > MAX_ENTRIES) {
                throw new InvalidClaimException("it has more than " + MAX_ENTRIES + " entries");
            }
            for (Object item : list) {
                if (add(item, ranges)) {
                    return Permissions.ALL;
                }
            }
        } else if (add(value.get(), ranges)) {
            return Permissions.ALL;
        }
        return Permissions.ofRanges(ranges);
    }

    private Optional<Object> find(Map<String, Object> claims) {
        if (claims.containsKey(name)) {
            return Optional.ofNullable(claims.get(name));
        }
        Object at = claims;
        for (String step : path) {
            if (!(at instanceof Map<?, ?> map)) {
                return Optional.empty();
            }
            at = map.get(step);
        }
        return Optional.ofNullable(at);
    }

    /** Adds one array item (or the whole claim); true when it grants every battery. */
    private static boolean add(Object item, List<int[]> ranges) throws InvalidClaimException {
        if (item instanceof String text) {
            return addText(text, ranges);
        }
        if (item instanceof Number number) {
            int id = id(number);
            addRange(ranges, id, id);
            return false;
        }
        throw new InvalidClaimException("it holds " + describe(item) + " where ids, ranges or \"*\" belong");
    }

    /** {@code "*"}, {@code "7"}, {@code "10-20"} or a comma list of them. */
    private static boolean addText(String text, List<int[]> ranges) throws InvalidClaimException {
        for (String raw : text.split(",", -1)) {
            String part = raw.strip();
            if (part.equals("*")) {
                return true;
            }
            if (part.isEmpty()) {
                if (text.isBlank()) {
                    // "" or " ": nothing granted, like an empty array
                    return false;
                }
                throw new InvalidClaimException("it has an empty item in '" + shorten(text) + "'");
            }
            int dash = part.indexOf('-', 1);
            if (dash < 0) {
                int id = id(part);
                addRange(ranges, id, id);
            } else {
                int low = id(part.substring(0, dash).strip());
                int high = id(part.substring(dash + 1).strip());
                if (low > high) {
                    throw new InvalidClaimException("its range " + shorten(part) + " runs backwards");
                }
                addRange(ranges, low, high);
            }
        }
        return false;
    }

    private static void addRange(List<int[]> ranges, int low, int high) throws InvalidClaimException {
        if (ranges.size() >= MAX_ENTRIES) {
            throw new InvalidClaimException("it has more than " + MAX_ENTRIES + " entries");
        }
        ranges.add(new int[] {low, high});
    }

    private static int id(String digits) throws InvalidClaimException {
        if (digits.isEmpty() || digits.length() > 10 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidClaimException("'" + shorten(digits) + "' is not a battery id (0 to "
                                                    + Integer.MAX_VALUE + ")");
        }
        long value = Long.parseLong(digits);
        if (value > Integer.MAX_VALUE) {
            throw new InvalidClaimException("battery id " + digits + " is above " + Integer.MAX_VALUE);
        }
        return (int) value;
    }

    private static int id(Number number) throws InvalidClaimException {
        double approximate = number.doubleValue();
        // also refuses NaN and infinities, before any exact arithmetic on a number of unbounded size
        if (!(approximate >= 0 && approximate <= Integer.MAX_VALUE)) {
            throw new InvalidClaimException("battery id " + shorten(number.toString()) + " is outside 0 to "
                                                    + Integer.MAX_VALUE);
        }
        try {
            BigInteger whole = new BigDecimal(number.toString()).toBigIntegerExact();
            if (whole.signum() < 0 || whole.compareTo(MAX_ID) > 0) {
                throw new InvalidClaimException("battery id " + shorten(number.toString()) + " is outside 0 to "
                                                        + Integer.MAX_VALUE);
            }
            return whole.intValueExact();
        } catch (ArithmeticException | NumberFormatException e) {
            throw new InvalidClaimException(shorten(number.toString()) + " is not a whole battery id");
        }
    }

    private static String describe(Object item) {
        if (item == null) {
            return "null";
        }
        if (item instanceof Map<?, ?>) {
            return "an object";
        }
        if (item instanceof List<?>) {
            return "a nested array";
        }
        if (item instanceof Boolean) {
            return "a boolean";
        }
        return "a " + item.getClass().getSimpleName();
    }

    private static String shorten(String text) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < text.length() && out.length() < 24; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return text.length() > 24 ? out + "..." : out.toString();
    }

    /** The claim is present but cannot be read as battery ids; the message says why. */
    static final class InvalidClaimException extends Exception {
        private static final long serialVersionUID = 1L;

        InvalidClaimException(String message) {
            super(message);
        }
    }
}
