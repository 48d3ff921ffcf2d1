package dev.tartan.link.relink;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.relink.RelinkReminder;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.relink.RelinkResolved;
import dev.tartan.link.Json;
import dev.tartan.link.exchange.LinkedItem;
import dev.tartan.messaging.inbox.Inbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;

/**
 * Keeps, per user, the Items waiting for a re-link and the update mode each needs, from item-service's
 * {@code relink.*} commands. Commands may arrive in any order: a reminder or resolution for an episode not seen yet
 * creates it, and a resolved episode never reopens.
 */
@ApplicationScoped
public class RelinkService {

    private static final Logger LOG = Logger.getLogger(RelinkService.class);
    public static final String CONSUMER = "link-service.relink-commands";

    private final Inbox inbox;

    public RelinkService(Inbox inbox) {
        this.inbox = inbox;
    }

    /** Applies one command once (inbox); returns whether it was new. Unknown command types are skipped. */
    @WithTransaction
    public Uni<Boolean> apply(EventEnvelope envelope) {
        return inbox.runOnce(CONSUMER, envelope.id(), () -> {
            if (envelope.is(EventTypes.RELINK_REQUESTED)) {
                return requested(envelope.dataAs(EventTypes.RELINK_REQUESTED));
            }
            if (envelope.is(EventTypes.RELINK_REMINDER)) {
                return reminder(envelope.dataAs(EventTypes.RELINK_REMINDER));
            }
            if (envelope.is(EventTypes.RELINK_RESOLVED)) {
                return resolved(envelope.dataAs(EventTypes.RELINK_RESOLVED));
            }
            LOG.debugf("relink command %s of type %s is not for link-service: skipped", envelope.id(), envelope.type());
            return Uni.createFrom().voidItem();
        });
    }

    Uni<Void> requested(RelinkRequested c) {
        return RelinkPrompt.<RelinkPrompt>findById(c.relinkId()).flatMap(p -> {
            boolean fresh = p == null;
            RelinkPrompt prompt = fresh ? new RelinkPrompt() : p;
            prompt.relinkId = c.relinkId();
            prompt.itemId = c.itemId();
            prompt.clientUserId = c.clientUserId();
            if (c.institution() != null) {
                prompt.institutionId = c.institution().institutionId();
                prompt.institutionName = c.institution().name();
            }
            prompt.mode = c.mode().name();
            prompt.reason = c.reason() == null ? null : c.reason().name();
            prompt.errorCode = c.errorCode();
            prompt.deadline = c.deadline();
            prompt.products = c.products() == null ? null : Json.write(c.products());
            prompt.requestedAt = c.requestedAt();
            LOG.infof("re-link requested: relink_id=%s item_id=%s client_user_id=%s mode=%s reason=%s error_code=%s",
                    c.relinkId(), c.itemId(), c.clientUserId(), c.mode(), c.reason(), c.errorCode());
            return fresh ? prompt.persist().replaceWithVoid() : Uni.createFrom().voidItem();
        });
    }

    Uni<Void> reminder(RelinkReminder c) {
        return RelinkPrompt.<RelinkPrompt>findById(c.relinkId()).flatMap(p -> {
            boolean fresh = p == null;
            RelinkPrompt prompt = fresh ? new RelinkPrompt() : p;
            if (fresh) {
                prompt.relinkId = c.relinkId();
                prompt.itemId = c.itemId();
                prompt.clientUserId = c.clientUserId();
                prompt.mode = c.mode().name();
                prompt.reason = c.reason() == null ? null : c.reason().name();
                prompt.requestedAt = c.firstRequestedAt();
            }
            prompt.reminders = Math.max(prompt.reminders, c.reminderNumber());
            if (prompt.lastRemindedAt == null || (c.remindedAt() != null && c.remindedAt().isAfter(prompt.lastRemindedAt))) {
                prompt.lastRemindedAt = c.remindedAt();
            }
            // item-service still sees the Item broken after the user went through update mode: prompt again
            if (prompt.updateCompletedAt != null && c.remindedAt() != null && c.remindedAt().isAfter(prompt.updateCompletedAt)) {
                prompt.updateCompletedAt = null;
            }
            LOG.infof("re-link reminder %d: relink_id=%s item_id=%s client_user_id=%s", c.reminderNumber(), c.relinkId(),
                    c.itemId(), c.clientUserId());
            return fresh ? prompt.persist().replaceWithVoid() : Uni.createFrom().voidItem();
        });
    }

    Uni<Void> resolved(RelinkResolved c) {
        Uni<Void> removal = "ITEM_REMOVED".equals(c.resolvedBy())
                ? LinkedItem.update("removedAt = ?1 where itemId = ?2 and removedAt is null",
                c.resolvedAt() == null ? Instant.now() : c.resolvedAt(), c.itemId()).replaceWithVoid()
                : Uni.createFrom().voidItem();
        return RelinkPrompt.<RelinkPrompt>findById(c.relinkId()).flatMap(p -> {
            boolean fresh = p == null;
            RelinkPrompt prompt = fresh ? new RelinkPrompt() : p;
            if (fresh) {
                // resolved before requested arrived: a tombstone so the late request cannot reopen it
                prompt.relinkId = c.relinkId();
                prompt.itemId = c.itemId();
                prompt.clientUserId = c.clientUserId();
                prompt.mode = "LOGIN";
            }
            prompt.resolvedAt = c.resolvedAt() == null ? Instant.now() : c.resolvedAt();
            prompt.resolvedBy = c.resolvedBy();
            LOG.infof("re-link resolved: relink_id=%s item_id=%s client_user_id=%s resolved_by=%s", c.relinkId(), c.itemId(),
                    c.clientUserId(), c.resolvedBy());
            return fresh ? prompt.persist().replaceWithVoid() : Uni.createFrom().voidItem();
        }).chain(() -> removal);
    }
}
