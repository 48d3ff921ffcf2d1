package dev.tartan.link.relink;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.link.exchange.LinkMetadata;

/**
 * {@code POST /link/update-completions}: Link's {@code onSuccess} at the end of an update-mode session (the public
 * token of an update-mode session is not exchanged: the access token stays the same).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateCompletionRequest(String clientUserId, String itemId, LinkMetadata metadata) {
}
