package dev.tartan.link.relink;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;

import java.time.Instant;
import java.util.List;

@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record UpdateCompletionResult(String itemId, String linkSessionId, UpdateMode mode, List<LinkedAccount> accounts,
                                     Instant completedAt) {
}
