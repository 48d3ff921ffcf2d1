package dev.tartan.item.relink;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.item.ItemAccountsChanged;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.LinkUpdateCompleted;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.item.registry.ItemEntity;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.item.state.ItemStatus;
import dev.tartan.item.state.Signal;
import dev.tartan.messaging.inbox.Inbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Applies {@code link.update-completed} from link-service: the user finished update mode. */
@ApplicationScoped
public class UpdateModeService {

    private static final Logger LOG = Logger.getLogger(UpdateModeService.class);
    public static final String CONSUMER = "item-service.link-sessions";

    private final Inbox inbox;
    private final ItemLifecycle lifecycle;

    public UpdateModeService(Inbox inbox, ItemLifecycle lifecycle) {
        this.inbox = inbox;
        this.lifecycle = lifecycle;
    }

    /** @return the Item id when the completion must be verified with {@code /item/get}, else null */
    @WithTransaction
    public Uni<String> onLinkSessionEvent(EventEnvelope envelope) {
        if (!envelope.is(EventTypes.LINK_UPDATE_COMPLETED)) {
            return Uni.createFrom().nullItem();
        }
        LinkUpdateCompleted done = envelope.dataAs(EventTypes.LINK_UPDATE_COMPLETED);
        String[] verify = new String[1];
        return inbox.runOnce(CONSUMER, envelope.id(), () -> ItemEntity.<ItemEntity>findById(done.itemId(), LockModeType.PESSIMISTIC_WRITE)
                        .chain(item -> {
                            if (item == null || item.itemStatus() == ItemStatus.REMOVED) {
                                LOG.warnf("item_id=%s link_session_id=%s: update mode completed for an unknown or removed Item; ignored",
                                        done.itemId(), done.linkSessionId());
                                return Uni.createFrom().voidItem();
                            }
                            LOG.infof("item_id=%s link_session_id=%s: update mode %s completed", item.itemId, done.linkSessionId(), done.mode());
                            Instant now = Instant.now();
                            Instant completedAt = done.completedAt() != null ? done.completedAt() : envelope.time();
                            return lifecycle.apply(item, new Signal.UpdateCompleted(done.mode(), completedAt), envelope.id(), now)
                                    .chain(t -> {
                                        if (t.needsVerification()) {
                                            verify[0] = item.itemId;
                                        }
                                        return accountsChanged(item, done, envelope.id(), now);
                                    });
                        }))
                .map(ran -> verify[0]);
    }

    /** After account selection, the accounts Link reported are the Item's accounts; report what changed. */
    private Uni<Void> accountsChanged(ItemEntity item, LinkUpdateCompleted done, String causeId, Instant now) {
        if (done.mode() != UpdateMode.ACCOUNT_SELECTION || done.accounts() == null) {
            return Uni.createFrom().voidItem();
        }
        List<LinkedAccount> before = item.accounts();
        Set<String> beforeIds = before.stream().map(LinkedAccount::accountId).collect(Collectors.toSet());
        Set<String> afterIds = done.accounts().stream().map(LinkedAccount::accountId).collect(Collectors.toSet());
        List<LinkedAccount> added = done.accounts().stream().filter(a -> !beforeIds.contains(a.accountId())).toList();
        List<String> dropped = before.stream().map(LinkedAccount::accountId).filter(id -> !afterIds.contains(id)).toList();
        if (added.isEmpty() && dropped.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        item.accounts(done.accounts());
        return lifecycle.append(EventTypes.ITEM_ACCOUNTS_CHANGED, ItemLifecycle.derivedId(causeId, "accounts"), now, item.itemId,
                new ItemAccountsChanged(item.itemId, item.clientUserId, added, dropped, "UPDATE_MODE_ACCOUNT_SELECTION", now))
                .replaceWithVoid();
    }
}
