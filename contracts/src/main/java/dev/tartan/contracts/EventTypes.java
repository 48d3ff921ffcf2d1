package dev.tartan.contracts;

import dev.tartan.contracts.activity.UserActivityRecorded;
import dev.tartan.contracts.churn.ChurnRemovalRequested;
import dev.tartan.contracts.churn.UserItemsRemovalRequested;
import dev.tartan.contracts.fraud.FraudOutcome;
import dev.tartan.contracts.fraud.FraudReviewRequested;
import dev.tartan.contracts.identity.VerificationDecided;
import dev.tartan.contracts.item.ItemAccountsChanged;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.contracts.item.ItemStatusChanged;
import dev.tartan.contracts.link.LinkUpdateCompleted;
import dev.tartan.contracts.relink.RelinkReminder;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.relink.RelinkResolved;

import java.util.List;
import java.util.Optional;

/**
 * Every Tartan event and command type with its schema version, payload and topic. A new version of a
 * payload is a new constant ({@code ...v2}) beside the old one until no producer emits the old.
 */
public final class EventTypes {

    public static final EventType<ItemLinked> ITEM_LINKED =
            new EventType<>("tartan.item.linked.v1", 1, ItemLinked.class, Topics.ITEMS_EVENTS);
    public static final EventType<ItemStatusChanged> ITEM_STATUS_CHANGED =
            new EventType<>("tartan.item.status-changed.v1", 1, ItemStatusChanged.class, Topics.ITEMS_EVENTS);
    public static final EventType<ItemAccountsChanged> ITEM_ACCOUNTS_CHANGED =
            new EventType<>("tartan.item.accounts-changed.v1", 1, ItemAccountsChanged.class, Topics.ITEMS_EVENTS);
    public static final EventType<ItemRemoved> ITEM_REMOVED =
            new EventType<>("tartan.item.removed.v1", 1, ItemRemoved.class, Topics.ITEMS_EVENTS);

    public static final EventType<LinkUpdateCompleted> LINK_UPDATE_COMPLETED =
            new EventType<>("tartan.link.update-completed.v1", 1, LinkUpdateCompleted.class, Topics.LINK_SESSIONS);

    public static final EventType<UserActivityRecorded> USER_ACTIVITY_RECORDED =
            new EventType<>("tartan.user.activity-recorded.v1", 1, UserActivityRecorded.class, Topics.USERS_ACTIVITY);

    public static final EventType<RelinkRequested> RELINK_REQUESTED =
            new EventType<>("tartan.relink.requested.v1", 1, RelinkRequested.class, Topics.COMMANDS_RELINK);
    public static final EventType<RelinkReminder> RELINK_REMINDER =
            new EventType<>("tartan.relink.reminder.v1", 1, RelinkReminder.class, Topics.COMMANDS_RELINK);
    public static final EventType<RelinkResolved> RELINK_RESOLVED =
            new EventType<>("tartan.relink.resolved.v1", 1, RelinkResolved.class, Topics.COMMANDS_RELINK);

    public static final EventType<ChurnRemovalRequested> CHURN_REMOVAL_REQUESTED =
            new EventType<>("tartan.churn.removal-requested.v1", 1, ChurnRemovalRequested.class, Topics.COMMANDS_CHURN_REMOVAL);
    public static final EventType<UserItemsRemovalRequested> USER_ITEMS_REMOVAL_REQUESTED =
            new EventType<>("tartan.churn.user-items-removal-requested.v1", 1, UserItemsRemovalRequested.class, Topics.COMMANDS_CHURN_REMOVAL);

    public static final EventType<FraudReviewRequested> FRAUD_REVIEW_REQUESTED =
            new EventType<>("tartan.fraud.review-requested.v1", 1, FraudReviewRequested.class, Topics.COMMANDS_FRAUD_REVIEW);
    public static final EventType<FraudOutcome> FRAUD_USER_CLEARED =
            new EventType<>("tartan.fraud.user-cleared.v1", 1, FraudOutcome.class, Topics.FRAUD_EVENTS);
    public static final EventType<FraudOutcome> FRAUD_USER_REJECTED =
            new EventType<>("tartan.fraud.user-rejected.v1", 1, FraudOutcome.class, Topics.FRAUD_EVENTS);

    public static final EventType<VerificationDecided> IDENTITY_VERIFICATION_DECIDED =
            new EventType<>("tartan.identity.verification-decided.v1", 1, VerificationDecided.class, Topics.IDENTITY_VERIFICATIONS);

    private EventTypes() {
    }

    public static List<EventType<?>> all() {
        return List.of(ITEM_LINKED, ITEM_STATUS_CHANGED, ITEM_ACCOUNTS_CHANGED, ITEM_REMOVED, LINK_UPDATE_COMPLETED,
                USER_ACTIVITY_RECORDED, RELINK_REQUESTED, RELINK_REMINDER, RELINK_RESOLVED, CHURN_REMOVAL_REQUESTED,
                USER_ITEMS_REMOVAL_REQUESTED, FRAUD_REVIEW_REQUESTED, FRAUD_USER_CLEARED, FRAUD_USER_REJECTED,
                IDENTITY_VERIFICATION_DECIDED);
    }

    public static Optional<EventType<?>> byName(String name) {
        return all().stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
