package io.bess.wsms.web;

import java.math.BigDecimal;
import java.util.List;
import java.util.regex.Pattern;

import jakarta.json.JsonNumber;
import jakarta.json.JsonValue;

/**
 * Reads a client's rate cap, {@code max_rate}: the most states per second per battery it wants, decimals allowed
 * (0.2 is one state every 5 s), 0 for no cap. Given as a query parameter ({@code ?max_rate=0.2}, on {@code /ws} and
 * {@code /sse}) or in a {@code throttle} command.
 */
final class MaxRate {
    /** No cap: every state, as a client that never asked. */
    static final double NONE = 0;
    /** The smallest cap: one state per battery every 1,000 s. */
    static final double MIN = 0.001;
    /**
     * The largest cap: one state per battery every 10 ms. The cap is kept with a resolution of a few milliseconds
     * (the rate wheel's tick), so a larger one could not be told from none.
     */
    static final double MAX = 100;
    /** Plain decimals only: no sign, exponent, hex, NaN or Infinity, which Double.parseDouble would take. */
    private static final Pattern DECIMAL = Pattern.compile("\\d{1,9}(\\.\\d{1,9})?");
    private static final String RANGE = "max_rate is the most states per second per battery: 0 (no cap) or a number"
            + " from " + MIN + " to " + (int) MAX + ", e.g. max_rate=0.2 for one every 5 s";

    private MaxRate() {
    }

    /**
     * Parses the {@code max_rate} query parameter.
     *
     * @param values the parameter's values (none: no cap)
     * @return states per second, {@link #NONE} for no cap
     * @throws BadRequestException when it is given twice, is not a plain decimal, or is out of range
     */
    static double fromQuery(List<String> values) throws BadRequestException {
        if (values.isEmpty()) {
            return NONE;
        }
        if (values.size() > 1) {
            throw new BadRequestException("max_rate is given " + values.size() + " times; give it once.");
        }
        String text = values.getFirst().strip();
        if (!DECIMAL.matcher(text).matches()) {
            throw new BadRequestException("max_rate '" + BatteryIds.shorten(text) + "' is not a number; " + RANGE
                                                  + ".");
        }
        return checked(new BigDecimal(text));
    }

    /**
     * Reads the {@code max_rate} member of a {@code throttle} command.
     *
     * @param value the member, null when missing
     * @return states per second, {@link #NONE} for no cap
     * @throws BadRequestException when it is missing, not a JSON number, or out of range
     */
    static double fromJson(JsonValue value) throws BadRequestException {
        if (value == null || value.getValueType() != JsonValue.ValueType.NUMBER) {
            throw new BadRequestException("\"max_rate\" must be a number: " + RANGE + ".");
        }
        return checked(((JsonNumber) value).bigDecimalValue());
    }

    /** Range check; toString, not toPlainString: 1e999999999 would be a billion digits. */
    private static double checked(BigDecimal rate) throws BadRequestException {
        if (rate.signum() == 0) {
            return NONE;
        }
        if (rate.compareTo(BigDecimal.valueOf(MIN)) < 0 || rate.compareTo(BigDecimal.valueOf(MAX)) > 0) {
            throw new BadRequestException("max_rate " + BatteryIds.shorten(rate.toString()) + " is out of range; "
                                                  + RANGE + ".");
        }
        return rate.doubleValue();
    }
}
