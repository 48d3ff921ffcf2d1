package dev.tartan.identity;

import dev.tartan.identity.match.MatchField;
import dev.tartan.identity.policy.Combination;
import dev.tartan.identity.policy.PolicySettings;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Settings of identity-service (prefix {@code tartan.identity}). */
@ConfigMapping(prefix = "tartan.identity")
public interface IdentityConfig {

    /** The ownership policy. Every decision records the version derived from these settings. */
    Policy policy();

    /** The local matcher, used for owners parsed from uploaded statements. */
    Matcher matcher();

    /** Operator gauges counted from the database (open fraud reviews). */
    Gauges gauges();

    interface Gauges {
        /** How often the gauges are counted again. */
        @WithDefault("30s")
        java.time.Duration refreshInterval();
    }

    interface Policy {
        /** Human name of the policy; the recorded version is {@code <name>-<digest of every setting>}. */
        @WithDefault("default")
        String name();

        /** Pass mark for the legal name (Plaid recommends 70 for every field). */
        @WithDefault("70")
        int legalNameThreshold();

        /** Pass mark for the phone number. */
        @WithDefault("70")
        int phoneNumberThreshold();

        /** Pass mark for the e-mail address. */
        @WithDefault("70")
        int emailAddressThreshold();

        /** Pass mark for the postal address. */
        @WithDefault("70")
        int addressThreshold();

        /** Fields that must be present on both sides and pass: any of legal-name, phone-number, email-address, address. */
        @WithDefault("legal-name")
        List<String> requiredFields();

        /**
         * How the other fields count: {@code ALL_COMPARED} (every field both sides have must pass) or
         * {@code REQUIRED_PLUS_ANY} (required fields pass and at least {@link #minOptionalPassing()} others).
         */
        @WithDefault("ALL_COMPARED")
        Combination combination();

        /** For {@code REQUIRED_PLUS_ANY}: how many non-required compared fields must pass. */
        @WithDefault("1")
        int minOptionalPassing();

        /** A failing field scoring at least this asks for manual review instead of failing (50-69 = likely relative). */
        @WithDefault("50")
        int reviewFloor();

        /** Statement {@code risk_score} at or above which the document is high risk (Plaid's guidance: 80). */
        @WithDefault("80")
        int documentRiskThreshold();
    }

    interface Matcher {
        /** ISO region assumed for phone numbers written without a country code. */
        @WithDefault("US")
        String defaultPhoneRegion();
    }

    /** The policy settings as the pure domain takes them. */
    default PolicySettings policySettings() {
        Policy p = policy();
        Map<MatchField, Integer> thresholds = new EnumMap<>(MatchField.class);
        thresholds.put(MatchField.LEGAL_NAME, p.legalNameThreshold());
        thresholds.put(MatchField.PHONE_NUMBER, p.phoneNumberThreshold());
        thresholds.put(MatchField.EMAIL_ADDRESS, p.emailAddressThreshold());
        thresholds.put(MatchField.ADDRESS, p.addressThreshold());
        Set<MatchField> required = EnumSet.noneOf(MatchField.class);
        for (String key : p.requiredFields()) {
            MatchField field = null;
            for (MatchField f : MatchField.values()) {
                if (f.key().equalsIgnoreCase(key.trim()) || f.name().equalsIgnoreCase(key.trim())) {
                    field = f;
                }
            }
            if (field == null) {
                throw new IllegalArgumentException("tartan.identity.policy.required-fields: unknown field '" + key
                        + "' (legal-name, phone-number, email-address, address)");
            }
            required.add(field);
        }
        return new PolicySettings(p.name(), thresholds, required, p.combination(), p.minOptionalPassing(),
                p.reviewFloor(), p.documentRiskThreshold());
    }
}
