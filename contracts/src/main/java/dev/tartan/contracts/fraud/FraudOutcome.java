package dev.tartan.contracts.fraud;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;
import java.util.List;

/** A fraud status was decided for a user (Beacon cleared or rejected). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record FraudOutcome(
        String clientUserId,
        String beaconUserId,
        String status,
        String previousStatus,
        List<String> itemIds,
        Instant decidedAt) {
}
