package dev.tartan.contracts.activity;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/** The app saw the user active (a login, a session). Activity cancels scheduled inactivity removals. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UserActivityRecorded(String clientUserId, String kind, Instant occurredAt) {
}
