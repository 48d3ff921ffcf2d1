package dev.tartan.link.relink;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.tartan.contracts.item.InstitutionRef;

import java.time.Instant;
import java.util.List;

/**
 * One thing to prompt the user about: an Item that needs update mode, and which kind. Ask for its token with
 * {@code POST /link/tokens {"flow":"UPDATE","item_id":...}} when the user acts (update-mode tokens last 30 minutes).
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record RelinkPromptView(
        String relinkId,
        String itemId,
        InstitutionRef institution,
        String mode,
        String reason,
        String errorCode,
        Instant deadline,
        List<String> products,
        boolean accountSelectionRequired,
        int reminders,
        Instant requestedAt) {

    static RelinkPromptView of(RelinkPrompt p) {
        return new RelinkPromptView(p.relinkId, p.itemId, new InstitutionRef(p.institutionId, p.institutionName), p.mode, p.reason,
                p.errorCode, p.deadline, dev.tartan.link.Json.strings(p.products), "ACCOUNT_SELECTION".equals(p.mode), p.reminders,
                p.requestedAt);
    }
}
