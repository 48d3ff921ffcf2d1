package dev.tartan.contracts.relink;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.link.UpdateMode;

import java.time.Instant;

/** Command: remind the user of an unresolved re-link (the handbook: persist, well-timed). */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RelinkReminder(
        String relinkId,
        String itemId,
        String clientUserId,
        UpdateMode mode,
        RelinkReason reason,
        int reminderNumber,
        Instant firstRequestedAt,
        Instant remindedAt) {
}
