package dev.tartan.item.state;

import java.util.List;

/** What a transition causes; the service turns each into an outbox event or command in the same transaction. */
public sealed interface Effect {

    /** {@code item.status-changed}. */
    record StatusChanged(ItemStatus previous, ItemStatus status, ItemErrorState error, String cause) implements Effect {
    }

    /** {@code relink.requested}: a new episode, or the open one whose demand changed (same episode id). */
    record RelinkRequested(RelinkEpisode episode) implements Effect {
    }

    /** {@code relink.reminder}. */
    record RelinkReminder(RelinkEpisode episode) implements Effect {
    }

    /** {@code relink.resolved}. */
    record RelinkResolved(String relinkId, String resolvedBy) implements Effect {
    }

    /** {@code item.accounts-changed}: accounts revoked at the bank. */
    record AccountsRevoked(List<String> accountIds, String cause) implements Effect {
    }
}
