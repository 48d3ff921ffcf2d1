package dev.tartan.beacon.report;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A fraud report as the API takes it; {@link #validate} applies Plaid's rules for {@code /beacon/report/create}
 * before anything is sent: a known type, a fraud date (not in the future), and an optional amount in USD with at
 * most two decimals, not negative.
 */
public record FraudReportRequest(@JsonProperty("type") String type,
                                 @JsonProperty("fraud_date") LocalDate fraudDate,
                                 @JsonProperty("fraud_amount") Amount fraudAmount) {

    public static final Set<String> TYPES = Set.of("first_party", "stolen", "synthetic", "account_takeover", "data_breach", "unknown");

    public record Amount(@JsonProperty("value") BigDecimal value, @JsonProperty("iso_currency_code") String isoCurrencyCode) {
    }

    /** The problems, each a sentence naming the field; empty when the report can be sent. */
    public List<String> validate(LocalDate today) {
        List<String> problems = new ArrayList<>();
        if (type == null || !TYPES.contains(type)) {
            problems.add("type must be one of " + TYPES.stream().sorted().toList() + (type == null ? "" : ", not '" + type + "'"));
        }
        if (fraudDate == null) {
            problems.add("fraud_date (YYYY-MM-DD) is required");
        } else if (fraudDate.isAfter(today)) {
            problems.add("fraud_date " + fraudDate + " is in the future");
        } else if (fraudDate.isBefore(LocalDate.of(1900, 1, 1))) {
            problems.add("fraud_date " + fraudDate + " is before 1900");
        }
        if (fraudAmount != null) {
            if (fraudAmount.value() == null) {
                problems.add("fraud_amount.value is required when fraud_amount is given (omit fraud_amount if unknown)");
            } else {
                if (fraudAmount.value().signum() < 0) {
                    problems.add("fraud_amount.value must not be negative");
                }
                if (fraudAmount.value().stripTrailingZeros().scale() > 2) {
                    problems.add("fraud_amount.value has more than two decimals");
                }
                if (fraudAmount.value().compareTo(new BigDecimal("1000000000")) >= 0) {
                    problems.add("fraud_amount.value is implausibly large");
                }
            }
            if (!"USD".equals(fraudAmount.isoCurrencyCode())) {
                problems.add("fraud_amount.iso_currency_code must be USD (the only currency Beacon accepts)");
            }
        }
        return problems;
    }
}
