package dev.tartan.item.state;

import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;

import java.time.Instant;

/**
 * One open request to the user to go through update mode. It lives from {@code relink.requested}
 * to {@code relink.resolved}; reminders count against it.
 *
 * @param id             the episode id carried by every relink command
 * @param mode           what update mode must do
 * @param reason         why
 * @param errorCode      Plaid's error code when an error caused it
 * @param deadline       when the Item stops working if nothing is done (pending expiration/disconnect)
 * @param requestedAt    when the episode opened
 * @param remindersSent  reminders already sent
 * @param nextReminderAt when the next reminder is due
 */
public record RelinkEpisode(String id, UpdateMode mode, RelinkReason reason, String errorCode, Instant deadline,
                            Instant requestedAt, int remindersSent, Instant nextReminderAt) {

    /** Same demand on the user: re-emitting it would be a duplicate. */
    public boolean sameDemand(UpdateMode otherMode, RelinkReason otherReason, String otherErrorCode) {
        return mode == otherMode && reason == otherReason && java.util.Objects.equals(errorCode, otherErrorCode);
    }

    public RelinkEpisode escalate(UpdateMode newMode, RelinkReason newReason, String newErrorCode, Instant newDeadline) {
        return new RelinkEpisode(id, newMode, newReason, newErrorCode, newDeadline, requestedAt, remindersSent, nextReminderAt);
    }

    public RelinkEpisode reminded(Instant next) {
        return new RelinkEpisode(id, mode, reason, errorCode, deadline, requestedAt, remindersSent + 1, next);
    }
}
