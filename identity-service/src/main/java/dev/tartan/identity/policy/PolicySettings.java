package dev.tartan.identity.policy;

import dev.tartan.identity.match.MatchField;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

/**
 * The configurable part of the ownership policy (built from {@code tartan.identity.policy.*}).
 *
 * @param name               a human name for this policy; the version adds a digest of every setting
 * @param thresholds         pass mark per field (Plaid recommends 70 for every field)
 * @param required           fields that must be present on both sides and pass
 * @param combination        how the other fields count
 * @param minOptionalPassing for {@link Combination#REQUIRED_PLUS_ANY}
 * @param reviewFloor        a failing field at or above this score asks for review instead of failing
 *                           (names 50-69 are "likely a relative")
 * @param documentRiskThreshold document {@code risk_score} at or above which a statement is high risk
 */
public record PolicySettings(String name, Map<MatchField, Integer> thresholds, Set<MatchField> required,
                             Combination combination, int minOptionalPassing, int reviewFloor,
                             int documentRiskThreshold) {

    public PolicySettings {
        Map<MatchField, Integer> all = new EnumMap<>(MatchField.class);
        all.putAll(thresholds);
        thresholds = all;
        for (MatchField f : MatchField.values()) {
            thresholds.putIfAbsent(f, 70);
        }
        thresholds = Map.copyOf(thresholds);
        required = Set.copyOf(required);
    }

    /** Plaid's recommendation: 70 on every field; the name required; every compared field must pass. */
    public static PolicySettings defaults() {
        return new PolicySettings("default", Map.of(), Set.of(MatchField.LEGAL_NAME), Combination.ALL_COMPARED, 1, 50, 80);
    }

    public int threshold(MatchField field) {
        return thresholds.get(field);
    }
}
