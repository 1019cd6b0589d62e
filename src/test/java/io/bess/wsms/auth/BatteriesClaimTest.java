package io.bess.wsms.auth;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Issue 15, point 2: the batteries claim in every form the issue names (ids and ranges as numbers or strings, one
 * comma string, "*", a dotted path), its bounds (ranges, never ids), and refusals of anything else.
 */
class BatteriesClaimTest {
    private final BatteriesClaim claim = new BatteriesClaim("batteries");

    @Test
    void anArrayOfIdsAndRangesAsNumbersOrStrings() throws Exception {
        Permissions p = claim.read(Map.of("batteries", List.of(1L, "10-20", "3")));
        assertThat(p.forbidden(List.of(0, 1, 2, 3, 9, 10, 15, 20, 21))).containsExactly(0, 2, 9, 21);
        assertThat(p).hasToString("1,3,10-20");
    }

    @Test
    void oneCommaStringAndKeycloakMultivaluedStrings() throws Exception {
        assertThat(claim.read(Map.of("batteries", "1-3,7")).toString()).isEqualTo("1-3,7");
        assertThat(claim.read(Map.of("batteries", " 1 - 3 , 7 ")).toString()).isEqualTo("1-3,7");
        // a Keycloak multivalued user attribute: one string per value, each may itself be a list
        assertThat(claim.read(Map.of("batteries", List.of("1", "2", "10-12"))).toString()).isEqualTo("1-2,10-12");
        assertThat(claim.read(Map.of("batteries", List.of("4,5", "6-8"))).toString()).isEqualTo("4-8");
    }

    @Test
    void aStarGrantsEveryBatteryIncludingFutureOnes() throws Exception {
        for (Object value : List.of("*", List.of("*"), List.of(1L, "*"), "1,*")) {
            Permissions p = claim.read(Map.of("batteries", value));
            assertThat(p.all()).as(value.toString()).isTrue();
            assertThat(p.test(Integer.MAX_VALUE)).isTrue();
        }
    }

    @Test
    void aHugeRangeIsTwoIntsNotTwoBillionIds() throws Exception {
        Runtime runtime = Runtime.getRuntime();
        long before = runtime.totalMemory() - runtime.freeMemory();
        Permissions p = claim.read(Map.of("batteries", "0-2147483647"));
        long after = runtime.totalMemory() - runtime.freeMemory();
        assertThat(p.test(0)).isTrue();
        assertThat(p.test(Integer.MAX_VALUE)).isTrue();
        assertThat(p.all()).isFalse();
        assertThat(p).hasToString("0-2147483647");
        // 2^31 boxed ids would be tens of GB; ranges are a few bytes (allow for unrelated allocation in between)
        assertThat(after - before).isLessThan(64L * 1024 * 1024);
        assertThat(p.forbidden(Set.of(5, 7))).isEmpty();
    }

    @Test
    void overlappingAndAdjacentRangesMerge() throws Exception {
        Permissions p = claim.read(Map.of("batteries", List.of("10-20", "15-30", "31", "40-40", 2147483647L,
                                                               "2147483600-2147483646")));
        assertThat(p).hasToString("10-31,40,2147483600-2147483647");
    }

    @Test
    void aDottedPathReachesANestedClaimAndANamespacedNameIsReadWhole() throws Exception {
        BatteriesClaim nested = new BatteriesClaim("resource_access.wsms.batteries");
        Map<String, Object> claims = Map.of("resource_access", Map.of("wsms", Map.of("batteries", List.of("5-6")),
                                                                      "other", Map.of("batteries", "*")));
        assertThat(nested.read(claims)).hasToString("5-6");
        assertThat(nested.read(Map.of("resource_access", Map.of("other", Map.of())))).isEqualTo(Permissions.NONE);
        assertThat(nested.read(Map.of("resource_access", "not an object"))).isEqualTo(Permissions.NONE);
        BatteriesClaim namespaced = new BatteriesClaim("https://wsms.example.com/batteries");
        assertThat(namespaced.read(Map.of("https://wsms.example.com/batteries", "7"))).hasToString("7");
    }

    @Test
    void noClaimOrAnEmptyOneGrantsNothing() throws Exception {
        assertThat(claim.read(Map.of()).isEmpty()).isTrue();
        assertThat(claim.read(Map.of("batteries", List.of())).isEmpty()).isTrue();
        assertThat(claim.read(Map.of("batteries", "")).isEmpty()).isTrue();
        assertThat(claim.read(Map.of("batteries", "  ")).isEmpty()).isTrue();
        assertThat(claim.read(Map.of("other", "*")).isEmpty()).isTrue();
    }

    @Test
    void anythingElseIsRefusedWholeWithAReason() {
        List<Object> bad = List.of("abc", "1,,2", "5-3", "-1", "1-", "2147483648", List.of(1.5), List.of(-1L),
                                   List.of(true), List.of(Map.of("id", 1)), List.of(List.of(1L)), Map.of("a", 1),
                                   true, List.of("1", "x"), 1e300, Double.NaN, "99999999999999999999");
        for (Object value : bad) {
            assertThatThrownBy(() -> claim.read(Map.of("batteries", value))).as(String.valueOf(value))
                    .isInstanceOf(BatteriesClaim.InvalidClaimException.class)
                    .hasMessageNotContaining("Exception");
        }
    }

    @Test
    void aClaimWithTooManyEntriesIsRefusedBeforeItIsRead() {
        List<Object> many = new java.util.ArrayList<>();
        for (long i = 0; i <= BatteriesClaim.MAX_ENTRIES; i++) {
            many.add(i * 2);
        }
        assertThatThrownBy(() -> claim.read(Map.of("batteries", many)))
                .isInstanceOf(BatteriesClaim.InvalidClaimException.class).hasMessageContaining("entries");
        StringBuilder text = new StringBuilder("0");
        for (int i = 1; i <= BatteriesClaim.MAX_ENTRIES; i++) {
            text.append(',').append(i * 2);
        }
        assertThatThrownBy(() -> claim.read(Map.of("batteries", text.toString())))
                .isInstanceOf(BatteriesClaim.InvalidClaimException.class).hasMessageContaining("entries");
    }
}
