package dev.tartan.link.token;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.link.UpdateMode;

import java.time.Instant;

/** The answer to {@code POST /link/tokens}: the token for Link and what it was made for. */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record IssuedToken(
        String linkToken,
        Instant expiration,
        LinkFlow flow,
        String itemId,
        UpdateMode updateMode,
        boolean accountSelectionEnabled,
        String requestId) {
}
