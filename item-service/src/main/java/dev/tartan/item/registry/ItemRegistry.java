package dev.tartan.item.registry;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.item.ItemConfig;
import dev.tartan.item.state.ItemLifecycle;
import dev.tartan.item.state.ItemState;
import dev.tartan.item.state.WebhookService;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.messaging.inbox.Inbox;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** Registers Items from {@code item.linked}; a duplicate or late {@code item.linked} changes nothing. */
@ApplicationScoped
public class ItemRegistry {

    private static final Logger LOG = Logger.getLogger(ItemRegistry.class);
    public static final String CONSUMER = "item-service.items-events";

    private final Inbox inbox;
    private final ItemConfig config;
    private final WebhookService webhooks;

    public ItemRegistry(Inbox inbox, ItemConfig config, WebhookService webhooks) {
        this.inbox = inbox;
        this.config = config;
        this.webhooks = webhooks;
    }

    /** Handles one record of {@code tartan.items.events}; only {@code item.linked} concerns the registry. */
    @WithTransaction
    public Uni<Boolean> onItemsEvent(EventEnvelope envelope) {
        if (!envelope.is(EventTypes.ITEM_LINKED)) {
            return Uni.createFrom().item(false); // our own status-changed/accounts-changed/removed, or others' events
        }
        ItemLinked linked = envelope.dataAs(EventTypes.ITEM_LINKED);
        if (linked.itemId() == null || linked.clientUserId() == null || linked.accessToken() == null) {
            throw new PermanentEventFailure("item.linked " + envelope.id() + " lacks item_id, client_user_id or access_token");
        }
        return inbox.runOnce(CONSUMER, envelope.id(), () -> register(linked, envelope.id()));
    }

    Uni<Void> register(ItemLinked linked, String causeId) {
        return ItemEntity.<ItemEntity>findById(linked.itemId()).chain(existing -> {
            if (existing != null) {
                LOG.infof("item_id=%s link_session_id=%s: item.linked again, already registered (%s); nothing to do",
                        linked.itemId(), linked.linkSessionId(), existing.status);
                return Uni.createFrom().voidItem();
            }
            return UserActivityEntity.<UserActivityEntity>findById(linked.clientUserId()).chain(activity -> {
                Instant linkedAt = linked.linkedAt() != null ? linked.linkedAt() : Instant.now();
                ItemEntity item = new ItemEntity();
                item.itemId = linked.itemId();
                item.clientUserId = linked.clientUserId();
                if (linked.institution() != null) {
                    item.institutionId = linked.institution().institutionId();
                    item.institutionName = linked.institution().name();
                }
                item.accounts(linked.accounts());
                item.productsJson = ItemEntity.write(consented(linked));
                // Plaid bills the products Link was initialized with; /item/get refines it at reconciliation
                item.billedProductsJson = ItemEntity.write(linked.products() == null ? List.of() : linked.products());
                item.linkSessionId = linked.linkSessionId();
                item.tokenKeyId = linked.accessToken().keyId();
                item.tokenCiphertext = linked.accessToken().ciphertext();
                item.linkedAt = linkedAt;
                item.apply(ItemState.linked(linkedAt));
                item.lastActivityAt = activity != null && activity.lastActiveAt.isAfter(linkedAt) ? activity.lastActiveAt : linkedAt;
                item.reconcileDueAt = linkedAt.plus(config.reconcile().staleAfter());
                LOG.infof("item_id=%s link_session_id=%s institution=%s: registered", item.itemId, item.linkSessionId,
                        item.institutionId);
                return item.persist().chain(() -> webhooks.replayHeld(item, causeId));
            });
        });
    }

    private static List<String> consented(ItemLinked l) {
        Set<String> all = new LinkedHashSet<>();
        for (List<String> list : List.of(nn(l.products()), nn(l.requiredIfSupportedProducts()), nn(l.optionalProducts()),
                nn(l.additionalConsentedProducts()))) {
            all.addAll(list);
        }
        return List.copyOf(all);
    }

    private static List<String> nn(List<String> l) {
        return l == null ? List.of() : l;
    }
}
