package dev.tartan.item.churn;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.activity.UserActivityRecorded;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.messaging.inbox.Inbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.UUID;

/**
 * User activity, from the app backend's API call or {@code tartan.users.activity}: moves the user's Items out of the
 * inactivity rule's range and cancels their inactivity removals that have not been attempted yet (the other
 * rules are not refuted by activity: an Item broken for 30 days stays broken while its user is active).
 */
@ApplicationScoped
public class ActivityService {

    private static final Logger LOG = Logger.getLogger(ActivityService.class);
    public static final String CONSUMER = "item-service.users-activity";

    private final Inbox inbox;
    private final ItemLifecycle lifecycle;

    public ActivityService(Inbox inbox, ItemLifecycle lifecycle) {
        this.inbox = inbox;
        this.lifecycle = lifecycle;
    }

    @WithTransaction
    public Uni<Boolean> onActivityEvent(EventEnvelope envelope) {
        if (!envelope.is(EventTypes.USER_ACTIVITY_RECORDED)) {
            return Uni.createFrom().item(false);
        }
        UserActivityRecorded a = envelope.dataAs(EventTypes.USER_ACTIVITY_RECORDED);
        if (a.clientUserId() == null) {
            throw new PermanentEventFailure("activity-recorded " + envelope.id() + " without client_user_id");
        }
        Instant at = a.occurredAt() != null ? a.occurredAt() : envelope.time();
        return inbox.runOnce(CONSUMER, envelope.id(), () -> apply(a.clientUserId(), a.kind(), at));
    }

    /**
     * API: record activity now, and publish it on {@code tartan.users.activity} for other subscribers. Our own
     * consumer skips it (its id is entered in the inbox here, in the same transaction).
     */
    @WithTransaction
    public Uni<Integer> record(String clientUserId, String kind, Instant occurredAt) {
        String id = UUID.randomUUID().toString();
        Instant at = occurredAt != null ? occurredAt : Instant.now();
        return inbox.runOnce(CONSUMER, id, () -> lifecycle.append(EventTypes.USER_ACTIVITY_RECORDED, id, Instant.now(), clientUserId,
                        new UserActivityRecorded(clientUserId, kind, at)))
                .chain(() -> apply(clientUserId, kind, at));
    }

    /** @return how many scheduled removals were cancelled */
    Uni<Integer> apply(String clientUserId, String kind, Instant at) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                                "INSERT INTO user_activity (client_user_id, last_active_at, last_kind) VALUES (?1, ?2, ?3) "
                                        + "ON CONFLICT (client_user_id) DO UPDATE SET last_active_at = EXCLUDED.last_active_at, "
                                        + "last_kind = EXCLUDED.last_kind WHERE user_activity.last_active_at < EXCLUDED.last_active_at")
                        .setParameter(1, clientUserId).setParameter(2, at).setParameter(3, kind).executeUpdate()
                .chain(() -> s.createNativeQuery("UPDATE item SET last_activity_at = ?2, version = version + 1 "
                                + "WHERE client_user_id = ?1 AND last_activity_at < ?2 AND removed_at IS NULL")
                        .setParameter(1, clientUserId).setParameter(2, at).executeUpdate())
                .chain(() -> s.createNativeQuery("UPDATE item SET removal_id = NULL, removal_reason = NULL, removal_urgent = NULL, "
                                + "removal_requested_at = NULL, removal_scheduled_for = NULL, removal_next_attempt_at = NULL, "
                                + "version = version + 1 WHERE client_user_id = ?1 AND removal_reason = ?2 AND removed_at IS NULL "
                                + "AND removal_attempts = 0 AND removal_requested_at < ?3")
                        .setParameter(1, clientUserId).setParameter(2, RemovalReason.INACTIVITY.name()).setParameter(3, at)
                        .executeUpdate()))
                .invoke(n -> {
                    if (n > 0) {
                        LOG.infof("client_user_id=%s active again: %d inactivity removal(s) cancelled", clientUserId, n);
                    }
                });
    }
}
