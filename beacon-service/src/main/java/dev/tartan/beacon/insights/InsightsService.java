package dev.tartan.beacon.insights;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tartan.beacon.BeaconConfig;
import dev.tartan.beacon.BeaconSwitch;
import dev.tartan.beacon.review.StatusApplier;
import dev.tartan.beacon.screening.ScreeningService;
import dev.tartan.beacon.user.BeaconPlaid;
import dev.tartan.beacon.user.BeaconUserEntity;
import dev.tartan.beacon.user.PlaidUserSnapshot;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.fraud.FraudReviewRequested;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.messaging.inbox.Inbox;
import dev.tartan.messaging.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * On {@code item.linked}: remember the Item for its user (evidence, fraud events); when {@code beacon} is among the
 * products, associate the Item with the user's Beacon user ({@code /beacon/user/update} with the access token,
 * opened only in the gateway; this re-screens the user), fetch Account Insights and apply the configured rules:
 * any tripped rule raises a fraud-review command for that Item.
 */
@ApplicationScoped
public class InsightsService {

    private static final Logger LOG = Logger.getLogger(InsightsService.class);

    private final BeaconSwitch beacon;
    private final BeaconConfig config;
    private final BeaconPlaid plaid;
    private final StatusApplier applier;
    private final Inbox inbox;
    private final Outbox outbox;

    public InsightsService(BeaconSwitch beacon, BeaconConfig config, BeaconPlaid plaid, StatusApplier applier, Inbox inbox, Outbox outbox) {
        this.beacon = beacon;
        this.config = config;
        this.plaid = plaid;
        this.applier = applier;
        this.inbox = inbox;
        this.outbox = outbox;
    }

    private record Outcome(PlaidUserSnapshot user, BeaconPlaid.Insights insights, List<InsightRules.Signal> signals) {
    }

    public Uni<Void> onItemLinked(String consumer, String eventId, ItemLinked item) {
        boolean wantsBeacon = beacon.enabled() && config.insights().enabled() && item.consentedTo("beacon") && item.accessToken() != null;
        return ScreeningService.alreadyProcessed(consumer, eventId).chain(done -> {
            if (done) {
                return Uni.createFrom().voidItem();
            }
            Uni<Outcome> work = !wantsBeacon ? Uni.createFrom().item(new Outcome(null, null, List.of()))
                    : Panache.withSession(() -> BeaconUserEntity.findByClientUserId(item.clientUserId())).chain(user -> {
                        if (user == null) {
                            LOG.infof("item_id=%s linked with beacon but its user has no Beacon user yet: not associated", item.itemId());
                            return Uni.createFrom().item(new Outcome(null, null, List.of()));
                        }
                        return plaid.associateItem(user.beaconUserId, item.itemId(), item.accessToken())
                                .chain(snap -> plaid.accountInsights(user.beaconUserId, item.itemId(), item.accessToken())
                                        .map(ins -> new Outcome(snap, ins, rules().evaluate(ins.accounts()))));
                    });
            return work.chain(o -> Panache.withTransaction(() -> inbox.runOnce(consumer, eventId, () -> apply(item, o))))
                    .replaceWithVoid();
        });
    }

    private Uni<Void> apply(ItemLinked item, Outcome o) {
        return UserItemEntity.<UserItemEntity>findById(item.itemId()).chain(existing -> {
            UserItemEntity e = existing != null ? existing : new UserItemEntity();
            e.itemId = item.itemId();
            e.clientUserId = item.clientUserId();
            e.beaconProduct = item.consentedTo("beacon");
            e.linkedAt = item.linkedAt() != null ? item.linkedAt() : Instant.now().truncatedTo(ChronoUnit.MICROS);
            if (o.user() != null) {
                e.associatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
            }
            ObjectNode evidence = null;
            if (o.insights() != null) {
                evidence = EventJson.mapper().createObjectNode();
                evidence.put("item_id", item.itemId());
                evidence.put("beacon_user_id", o.user().beaconUserId());
                evidence.put("plaid_request_id", o.insights().requestId());
                ArrayNode signals = evidence.putArray("signals");
                o.signals().forEach(s -> signals.addObject().put("account_id", s.accountId()).put("rule", s.rule()).put("detail", s.detail()));
                e.insights = evidence.toString();
            }
            Uni<?> saved = existing != null ? Uni.createFrom().item(e) : e.persist();
            Uni<?> status = o.user() == null ? Uni.createFrom().voidItem() : saved.chain(() -> applier.observe(o.user(), "item_linked", null));
            if (o.signals().isEmpty()) {
                return saved.chain(() -> status).replaceWithVoid();
            }
            ObjectNode ev = evidence;
            FraudReviewRequested cmd = new FraudReviewRequested(UUID.randomUUID().toString(), StatusApplier.SOURCE,
                    "BEACON_ACCOUNT_INSIGHTS", item.clientUserId(), List.of(item.itemId()), o.user().beaconUserId(), ev,
                    Instant.now().truncatedTo(ChronoUnit.MICROS));
            LOG.infof("item_id=%s: %d Account Insights rule(s) tripped, fraud-review command queued", item.itemId(), o.signals().size());
            return saved.chain(() -> status)
                    .chain(() -> outbox.publish(EventTypes.FRAUD_REVIEW_REQUESTED, "item", item.clientUserId(), cmd)).replaceWithVoid();
        });
    }

    InsightRules rules() {
        BeaconConfig.Insights i = config.insights();
        return new InsightRules(i.maxPiiChanges28d(), i.maxFailedLogins7d(), i.minAccountAgeDays(), i.flagClosedOrFrozen());
    }
}
