package dev.tartan.link.analytics;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.time.Instant;

/**
 * One Link client callback as the app forwards it ({@code POST /link/events}, a JSON array of these).
 *
 * @param callback  {@code ON_EVENT}, {@code ON_EXIT} or {@code ON_SUCCESS}
 * @param eventName for {@code ON_EVENT}: Link's event name ({@code OPEN}, {@code TRANSITION_VIEW}, {@code HANDOFF}, ...)
 * @param exitStatus for {@code ON_EXIT}: {@code metadata.status}; for {@code EXIT} events: {@code exit_status}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
public record LinkCallback(
        String clientUserId,
        String callback,
        String eventName,
        String linkSessionId,
        String requestId,
        Instant timestamp,
        String viewName,
        String institutionId,
        String institutionName,
        String errorType,
        String errorCode,
        String exitStatus) {
}
