package io.bess.wsms.auth;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * The batteries a token permits: every battery, or a set of id ranges. Kept as sorted, disjoint ranges (two int
 * arrays), never as ids: a claim of {@code "0-2147483647"} costs two ints, not two billion. The hub sees it only as
 * an {@link IntPredicate}.
 */
public final class Permissions implements IntPredicate {
    /** Every battery, also the ones that appear later. */
    public static final Permissions ALL = new Permissions(true, new int[0], new int[0]);
    /** No battery. */
    public static final Permissions NONE = new Permissions(false, new int[0], new int[0]);
    /** Ranges shown in a description before it is cut short (log lines and notices stay small). */
    private static final int DESCRIBED_RANGES = 20;

    private final boolean all;
    private final int[] lows;
    private final int[] highs;

    private Permissions(boolean all, int[] lows, int[] highs) {
        this.all = all;
        this.lows = lows;
        this.highs = highs;
    }

    /**
     * The union of inclusive id ranges, in any order, overlapping or not.
     *
     * @param ranges pairs {low, high} with {@code 0 <= low <= high}
     * @return the permissions
     */
    static Permissions ofRanges(List<int[]> ranges) {
        if (ranges.isEmpty()) {
            return NONE;
        }
        int[][] sorted = ranges.toArray(new int[0][]);
        Arrays.sort(sorted, (a, b) -> Integer.compare(a[0], b[0]));
        int[] lows = new int[sorted.length];
        int[] highs = new int[sorted.length];
        int n = 0;
        for (int[] range : sorted) {
            // merge overlapping and adjacent ranges (long arithmetic: high may be Integer.MAX_VALUE)
            if (n > 0 && range[0] <= (long) highs[n - 1] + 1) {
                highs[n - 1] = Math.max(highs[n - 1], range[1]);
            } else {
                lows[n] = range[0];
                highs[n] = range[1];
                n++;
            }
        }
        return new Permissions(false, Arrays.copyOf(lows, n), Arrays.copyOf(highs, n));
    }

    /** Whether the token permits this battery. */
    @Override
    public boolean test(int battery) {
        if (all) {
            return true;
        }
        // the last range starting at or below the id
        int i = Arrays.binarySearch(lows, battery);
        if (i < 0) {
            i = -i - 2;
        }
        return i >= 0 && battery <= highs[i];
    }

    /** Whether every battery is permitted. */
    public boolean all() {
        return all;
    }

    /** Whether no battery at all is permitted. */
    public boolean isEmpty() {
        return !all && lows.length == 0;
    }

    /**
     * The ids that are not permitted.
     *
     * @param batteries ids asked for
     * @return the forbidden ones, in ascending order
     */
    public List<Integer> forbidden(Collection<Integer> batteries) {
        List<Integer> out = new ArrayList<>();
        for (Integer battery : batteries) {
            if (!test(battery)) {
                out.add(battery);
            }
        }
        out.sort(null);
        return out;
    }

    /** {@code *} or the ranges as a claim would write them ({@code 1-3,7}), cut short after a few ranges. */
    @Override
    public String toString() {
        if (all) {
            return "*";
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < lows.length; i++) {
            if (i == DESCRIBED_RANGES) {
                out.append(",... (").append(lows.length).append(" ranges)");
                break;
            }
            if (i > 0) {
                out.append(',');
            }
            out.append(lows[i]);
            if (highs[i] != lows[i]) {
                out.append('-').append(highs[i]);
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Permissions p && p.all == all && Arrays.equals(p.lows, lows)
                && Arrays.equals(p.highs, highs);
    }

    @Override
    public int hashCode() {
        return Boolean.hashCode(all) * 31 * 31 + Arrays.hashCode(lows) * 31 + Arrays.hashCode(highs);
    }
}
