package dev.tartan.identity.verification;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.fraud.FraudOutcome;
import dev.tartan.contracts.fraud.FraudReviewRequested;
import dev.tartan.contracts.identity.VerificationDecided;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.ItemRemoved;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.contracts.link.UpdateMode;
import dev.tartan.contracts.relink.RelinkReason;
import dev.tartan.contracts.relink.RelinkRequested;
import dev.tartan.contracts.webhook.PlaidWebhookReceived;
import dev.tartan.identity.match.MatchField;
import dev.tartan.identity.policy.Decision;
import dev.tartan.identity.policy.VerificationPolicy;
import dev.tartan.identity.profile.ProfileSealer;
import dev.tartan.identity.profile.UserProfile;
import dev.tartan.identity.store.AccountDecisionEntity;
import dev.tartan.identity.store.ConsentRequestEntity;
import dev.tartan.identity.store.DecisionHistoryEntity;
import dev.tartan.identity.store.FraudReviewEntity;
import dev.tartan.identity.store.IdentityItemEntity;
import dev.tartan.identity.store.OwnerSnapshotEntity;
import dev.tartan.identity.store.ParkedWebhookEntity;
import dev.tartan.identity.store.ProfileEntity;
import dev.tartan.identity.verification.Model.AccountResult;
import dev.tartan.identity.verification.Model.ItemView;
import dev.tartan.identity.verification.Model.ProfileView;
import dev.tartan.identity.verification.Model.RunResult;
import dev.tartan.identity.verification.Model.SnapshotUpdate;
import dev.tartan.messaging.consumer.PermanentEventFailure;
import dev.tartan.messaging.inbox.Inbox;
import dev.tartan.messaging.outbox.Outbox;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * identity-service's use cases. Every one follows the same shape: read what is needed in a short session,
 * call Plaid with no transaction open ({@link Verifier}), then apply the result, the inbox row and the
 * outbox rows in one short transaction. A decision equal to the current one (same outcome, reasons,
 * evidence and policy version) changes nothing, so redelivered and re-ordered inputs emit nothing twice.
 */
@ApplicationScoped
public class IdentityService {

    private static final Logger LOG = Logger.getLogger(IdentityService.class);
    public static final String CONSUMER = "identity-service";
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {
    };

    private final Inbox inbox;
    private final Outbox outbox;
    private final Verifier verifier;
    private final ProfileSealer sealer;
    private final VerificationPolicy policy;

    public IdentityService(Inbox inbox, Outbox outbox, Verifier verifier, ProfileSealer sealer, VerificationPolicy policy) {
        this.inbox = inbox;
        this.outbox = outbox;
        this.verifier = verifier;
        this.sealer = sealer;
        this.policy = policy;
    }

    // ------------------------------------------------------------------ consumers

    /** {@code tartan.items.events}: item.linked starts a verification, item.removed deletes what is held. */
    public Uni<Void> onItemsEvent(EventEnvelope env) {
        if (env.is(EventTypes.ITEM_LINKED)) {
            return onItemLinked(env, env.dataAs(EventTypes.ITEM_LINKED));
        }
        if (env.is(EventTypes.ITEM_REMOVED)) {
            ItemRemoved removed = env.dataAs(EventTypes.ITEM_REMOVED);
            return Panache.withTransaction(() -> inbox.runOnce(CONSUMER, env.id(), () -> removeItem(removed))).replaceWithVoid();
        }
        return Uni.createFrom().voidItem(); // other Item events are not ours
    }

    private Uni<Void> onItemLinked(EventEnvelope env, ItemLinked linked) {
        boolean relevant = linked.consentedTo("identity") || linked.consentedTo("auth");
        ItemView view = view(linked);
        return alreadyProcessed(env.id()).chain(done -> {
            if (done) {
                return Uni.createFrom().voidItem();
            }
            return Panache.withSession(() -> IdentityItemEntity.<IdentityItemEntity>findById(linked.itemId())
                            .chain(existing -> existing != null && IdentityItemEntity.REMOVED.equals(existing.status)
                                    ? Uni.createFrom().item(new Ctx(true, null))
                                    : loadProfile(linked.clientUserId()).map(p -> new Ctx(false, p))))
                    .chain(ctx -> ctx.removed || !relevant
                            ? Uni.createFrom().item(RunResult.empty())
                            : verifier.full(view, ctx.profile, false))
                    .chain(run -> Panache.withTransaction(() -> inbox.runOnce(CONSUMER, env.id(),
                            () -> registerItem(linked).chain(active -> active
                                    ? apply(view, run, "item.linked")
                                    : Uni.createFrom().voidItem()))))
                    .chain(() -> replayParked(linked.itemId()));
        });
    }

    private record Ctx(boolean removed, ProfileView profile) {
    }

    /** {@code plaid.webhooks.identity} and {@code plaid.webhooks.auth}. */
    public Uni<Void> onWebhook(EventEnvelope env) {
        if (!env.type().startsWith(PlaidWebhookReceived.TYPE_PREFIX)) {
            throw new PermanentEventFailure("not a Plaid webhook event: " + env.type());
        }
        PlaidWebhookReceived webhook = env.dataAs(PlaidWebhookReceived.class);
        JsonNode body;
        try {
            body = EventJson.mapper().readTree(webhook.body());
        } catch (Exception e) {
            throw new PermanentEventFailure("webhook " + webhook.deliveryId() + " has a body that is not JSON", e);
        }
        String itemId = webhook.itemId() != null ? webhook.itemId() : body.path("item_id").asText(null);
        String type = webhook.webhookType();
        String code = webhook.webhookCode();
        String cause = "webhook " + type + "." + code;
        if (itemId == null) {
            throw new PermanentEventFailure(cause + " without item_id");
        }
        return alreadyProcessed(env.id()).chain(done -> {
            if (done) {
                return Uni.createFrom().voidItem();
            }
            return Panache.withSession(() -> IdentityItemEntity.<IdentityItemEntity>findById(itemId)
                            .chain(row -> row == null ? Uni.createFrom().item(Known.UNKNOWN)
                                    : IdentityItemEntity.ACTIVE.equals(row.status) ? loadItem(itemId).map(l -> l == null ? Known.REMOVED : Known.active(l))
                                    : Uni.createFrom().item(Known.REMOVED)))
                    .chain(known -> switch (known.state) {
                        case UNKNOWN -> Panache.withTransaction(() -> inbox.runOnce(CONSUMER, env.id(), () -> park(itemId, env, cause)))
                                .chain(() -> replayIfRegisteredMeanwhile(itemId));
                        case REMOVED -> {
                            LOG.infof("item_id=%s %s for a removed Item: ignored", itemId, cause);
                            yield Panache.withTransaction(() -> inbox.runOnce(CONSUMER, env.id(), () -> Uni.createFrom().voidItem()));
                        }
                        case ACTIVE -> run(known.loaded, type, code, body)
                                .chain(r -> Panache.withTransaction(() -> inbox.runOnce(CONSUMER, env.id(),
                                        () -> apply(known.loaded.item, r, cause))));
                    })
                    .replaceWithVoid();
        });
    }

    private enum KnownState { UNKNOWN, REMOVED, ACTIVE }

    private record Known(KnownState state, Loaded loaded) {
        static final Known UNKNOWN = new Known(KnownState.UNKNOWN, null);
        static final Known REMOVED = new Known(KnownState.REMOVED, null);

        static Known active(Loaded loaded) {
            return new Known(KnownState.ACTIVE, loaded);
        }
    }

    /** A webhook that overtook its Item's item.linked: kept until the Item is registered (see {@link #replayParked}). */
    private Uni<Void> park(String itemId, EventEnvelope env, String cause) {
        LOG.infof("item_id=%s %s arrived before item.linked: parked until the Item is registered", itemId, cause);
        ParkedWebhookEntity row = new ParkedWebhookEntity();
        row.messageId = env.id();
        row.itemId = itemId;
        row.envelope = env.toJson();
        row.parkedAt = now();
        return row.persist().replaceWithVoid();
    }

    /**
     * After parking: item.linked may have registered the Item, and looked for parked webhooks, between this webhook's
     * look-up and the parking commit — then nobody would ever replay it (found by a CI run: the consent command never
     * came). Looked up again now that the parked row is committed: either item.linked's search saw the row, or its
     * registration committed before this read began and is seen here. Both may replay; {@link #replayOne} deletes
     * the row in the transaction that applies it, so only one applies it.
     */
    private Uni<Void> replayIfRegisteredMeanwhile(String itemId) {
        return Panache.withSession(() -> IdentityItemEntity.<IdentityItemEntity>findById(itemId))
                .chain(row -> row != null && IdentityItemEntity.ACTIVE.equals(row.status)
                        ? replayParked(itemId)
                        : Uni.createFrom().voidItem());
    }

    /** Replays, in arrival order, the webhooks parked for an Item; each is deleted in the transaction that applies it. */
    Uni<Void> replayParked(String itemId) {
        return Panache.withSession(() -> ParkedWebhookEntity.<ParkedWebhookEntity>list("itemId = ?1 order by parkedAt", itemId))
                .chain(parked -> {
                    Uni<Void> chain = Uni.createFrom().voidItem();
                    for (ParkedWebhookEntity p : parked) {
                        chain = chain.chain(() -> replayOne(p));
                    }
                    return chain;
                });
    }

    private Uni<Void> replayOne(ParkedWebhookEntity parked) {
        EventEnvelope env = EventEnvelope.fromJson(parked.envelope);
        PlaidWebhookReceived webhook = env.dataAs(PlaidWebhookReceived.class);
        JsonNode body;
        try {
            body = EventJson.mapper().readTree(webhook.body());
        } catch (Exception e) {
            return Panache.withTransaction(() -> ParkedWebhookEntity.deleteById(parked.messageId)).replaceWithVoid();
        }
        String cause = "webhook " + webhook.webhookType() + "." + webhook.webhookCode() + " (parked)";
        return Panache.withSession(() -> loadItem(parked.itemId))
                .chain(loaded -> {
                    if (loaded == null) {
                        return Uni.createFrom().voidItem();
                    }
                    return run(loaded, webhook.webhookType(), webhook.webhookCode(), body)
                            .chain(r -> Panache.withTransaction(() -> ParkedWebhookEntity.delete("messageId", parked.messageId)
                                    .chain(deleted -> deleted == 0
                                            ? Uni.createFrom().voidItem() // another instance replayed it
                                            : apply(loaded.item, r, cause))));
                });
    }

    private record Loaded(ItemView item, ProfileView profile, RunResult run) {
    }

    private Uni<RunResult> run(Loaded loaded, String type, String code, JsonNode body) {
        ItemView item = loaded.item;
        ProfileView profile = loaded.profile;
        if ("IDENTITY".equals(type)) {
            return switch (code) {
                case "DEFAULT_UPDATE" -> verifier.refreshIdentity(item, profile);
                case "DOCUMENT_UPDATE_AVAILABLE" -> verifier.documents(item, profile);
                case "PRODUCT_PERMISSIONS_REQUIRED" -> Uni.createFrom().item(verifier.consentMissing(item, "PRODUCT_PERMISSIONS_REQUIRED"));
                default -> Uni.createFrom().item(RunResult.empty());
            };
        }
        if ("AUTH".equals(type)) {
            boolean rerun = switch (code) {
                case "AUTOMATICALLY_VERIFIED", "VERIFICATION_EXPIRED", "SMS_MICRODEPOSITS_VERIFICATION" -> true;
                case "DEFAULT_UPDATE" -> body.path("account_ids_with_updated_auth").size() > 0
                        || body.path("account_ids_with_new_auth").size() > 0;
                default -> false;
            };
            return rerun ? verifier.full(item, profile, false) : Uni.createFrom().item(RunResult.empty());
        }
        return Uni.createFrom().item(RunResult.empty());
    }

    // ------------------------------------------------------------------ API use cases

    /** Stores (replaces) the user's profile, sealed; Items that waited for it are verified now. */
    public Uni<Integer> putProfile(String clientUserId, UserProfile profile) {
        return Panache.withTransaction(() -> saveProfile(clientUserId, profile)
                        .chain(() -> IdentityItemEntity.<IdentityItemEntity>list(
                                "clientUserId = ?1 and status = ?2 and awaitingProfile = true", clientUserId, IdentityItemEntity.ACTIVE)))
                .chain(waiting -> {
                    Uni<Integer> chain = Uni.createFrom().item(0);
                    for (IdentityItemEntity e : waiting) {
                        chain = chain.chain(n -> verifyNow(e.itemId, false).map(x -> n + 1));
                    }
                    return chain;
                });
    }

    public Uni<Boolean> deleteProfile(String clientUserId) {
        return Panache.withTransaction(() -> ProfileEntity.deleteById(clientUserId));
    }

    /** On demand: optionally store a profile, then verify every account of the Item now. Null if the Item is unknown. */
    public Uni<List<AccountDecisionEntity>> verifyOnDemand(String itemId, UserProfile profile) {
        return Panache.withSession(() -> IdentityItemEntity.<IdentityItemEntity>findById(itemId))
                .chain(item -> {
                    if (item == null || IdentityItemEntity.REMOVED.equals(item.status)) {
                        return Uni.createFrom().nullItem();
                    }
                    Uni<Void> store = profile == null ? Uni.createFrom().voidItem()
                            : Panache.withTransaction(() -> saveProfile(item.clientUserId, profile));
                    return store.chain(() -> verifyNow(itemId, true)).chain(() -> decisions(itemId));
                });
    }

    private Uni<Void> verifyNow(String itemId, boolean onDemand) {
        return Panache.withSession(() -> loadItem(itemId))
                .chain(loaded -> loaded == null ? Uni.createFrom().voidItem()
                        : verifier.full(loaded.item, loaded.profile, onDemand)
                        .chain(run -> Panache.withTransaction(() -> apply(loaded.item, run, onDemand ? "api" : "profile"))));
    }

    public Uni<IdentityItemEntity> item(String itemId) {
        return Panache.withSession(() -> IdentityItemEntity.<IdentityItemEntity>findById(itemId));
    }

    public Uni<List<AccountDecisionEntity>> decisions(String itemId) {
        return Panache.withSession(() -> AccountDecisionEntity.<AccountDecisionEntity>list("itemId = ?1 order by accountId", itemId));
    }

    public Uni<List<FraudReviewEntity>> reviews(String status) {
        return Panache.withSession(() -> status == null
                ? FraudReviewEntity.<FraudReviewEntity>list("order by requestedAt")
                : FraudReviewEntity.<FraudReviewEntity>list("status = ?1 order by requestedAt", status));
    }

    /** Outcome of a review, as an operator records it. */
    public enum ReviewResult { NOT_FOUND, ALREADY_RESOLVED, RECORDED }

    public Uni<ReviewResult> recordReview(String reviewId, boolean cleared, String reviewer, String note) {
        return Panache.withTransaction(() -> FraudReviewEntity.<FraudReviewEntity>findById(reviewId).chain(review -> {
            if (review == null) {
                return Uni.createFrom().item(ReviewResult.NOT_FOUND);
            }
            if (!FraudReviewEntity.OPEN.equals(review.status)) {
                return Uni.createFrom().item(ReviewResult.ALREADY_RESOLVED);
            }
            Instant now = now();
            review.status = cleared ? "CLEARED" : "REJECTED";
            review.reviewer = reviewer;
            review.note = note;
            review.resolvedAt = now;
            Decision decision = policy.reviewed(cleared, reviewId);
            ItemView view = new ItemView(review.itemId, review.clientUserId, null, null, false, false, List.of(review.accountId), Map.of());
            return applyDecision(view, new AccountResult(review.accountId, decision, null), "review " + reviewId)
                    .chain(() -> outbox.publish(cleared ? EventTypes.FRAUD_USER_CLEARED : EventTypes.FRAUD_USER_REJECTED, "user",
                            review.clientUserId, new FraudOutcome(review.clientUserId, null,
                                    cleared ? "identity_review_cleared" : "identity_review_rejected", "identity_review_open",
                                    List.of(review.itemId), now)))
                    .replaceWith(ReviewResult.RECORDED);
        }));
    }

    // ------------------------------------------------------------------ applying results

    Uni<Void> apply(ItemView item, RunResult run, String cause) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        for (SnapshotUpdate s : run.snapshots()) {
            chain = chain.chain(() -> saveSnapshot(item.itemId(), s));
        }
        for (AccountResult r : run.decisions()) {
            chain = chain.chain(() -> applyDecision(item, r, cause));
        }
        if (run.consentCause() != null) {
            chain = chain.chain(() -> requestConsent(item, run.consentCause()));
        }
        return chain.chain(() -> IdentityItemEntity.update("awaitingProfile = ?1, updatedAt = ?2 where itemId = ?3",
                run.awaitingProfile(), now(), item.itemId())).replaceWithVoid();
    }

    private Uni<Void> applyDecision(ItemView item, AccountResult r, String cause) {
        Decision d = r.decision();
        String fingerprint = fingerprint(d);
        AccountDecisionEntity.Key key = new AccountDecisionEntity.Key();
        key.itemId = item.itemId();
        key.accountId = r.accountId();
        return AccountDecisionEntity.<AccountDecisionEntity>findById(key).chain(current -> {
            if (current != null && current.fingerprint.equals(fingerprint)) {
                LOG.debugf("item_id=%s account_id=%s decision unchanged (%s)", item.itemId(), r.accountId(), d.outcome());
                return Uni.createFrom().voidItem();
            }
            Instant now = now();
            String decisionId = UUID.randomUUID().toString();
            AccountDecisionEntity row = current != null ? current : new AccountDecisionEntity();
            row.itemId = item.itemId();
            row.accountId = r.accountId();
            row.decisionId = decisionId;
            row.outcome = d.outcome().wire();
            row.nextStep = d.nextStep() == null ? null : d.nextStep().name();
            row.method = d.method().name();
            row.reasons = json(d.reasons());
            row.evidence = d.evidence().toString();
            row.policyVersion = d.policyVersion();
            row.fingerprint = fingerprint;
            row.plaidRequestId = r.plaidRequestId();
            row.decidedAt = now;
            DecisionHistoryEntity h = new DecisionHistoryEntity();
            h.decisionId = decisionId;
            h.itemId = row.itemId;
            h.accountId = row.accountId;
            h.outcome = row.outcome;
            h.nextStep = row.nextStep;
            h.method = row.method;
            h.reasons = row.reasons;
            h.evidence = row.evidence;
            h.policyVersion = row.policyVersion;
            h.plaidRequestId = row.plaidRequestId;
            h.cause = cause;
            h.decidedAt = now;
            LOG.infof("item_id=%s account_id=%s decision=%s next_step=%s method=%s policy=%s request_id=%s cause=%s",
                    item.itemId(), r.accountId(), row.outcome, row.nextStep, row.method, row.policyVersion, r.plaidRequestId(), cause);
            VerificationDecided event = new VerificationDecided(decisionId, item.itemId(), r.accountId(), clientUserId(item),
                    row.outcome, d.reasons(), row.nextStep, row.method, d.evidence(), d.policyVersion(), now);
            Uni<Void> write = (current != null ? Uni.createFrom().voidItem() : row.persist().replaceWithVoid())
                    .chain(() -> h.persist())
                    .chain(() -> outbox.publish(EventTypes.IDENTITY_VERIFICATION_DECIDED, "item", item.itemId(), event))
                    .replaceWithVoid();
            if (!d.isFailed()) {
                return write;
            }
            return write.chain(() -> requestReview(item, r, decisionId, now));
        });
    }

    private Uni<Void> requestReview(ItemView item, AccountResult r, String decisionId, Instant now) {
        return FraudReviewEntity.count("itemId = ?1 and accountId = ?2 and status = ?3", item.itemId(), r.accountId(), FraudReviewEntity.OPEN)
                .chain(open -> {
                    if (open > 0) {
                        return Uni.createFrom().voidItem(); // one open review per account: the reviewer sees the latest decision
                    }
                    Decision d = r.decision();
                    FraudReviewEntity review = new FraudReviewEntity();
                    review.reviewId = UUID.randomUUID().toString();
                    review.itemId = item.itemId();
                    review.accountId = r.accountId();
                    review.clientUserId = clientUserId(item);
                    review.reason = reviewReason(d);
                    review.decisionId = decisionId;
                    review.status = FraudReviewEntity.OPEN;
                    review.requestedAt = now;
                    var evidence = EventJson.mapper().createObjectNode();
                    evidence.put("decision_id", decisionId);
                    evidence.put("item_id", item.itemId());
                    evidence.put("account_id", r.accountId());
                    if (item.institutionId() != null) {
                        evidence.put("institution_id", item.institutionId());
                    }
                    evidence.put("decision", d.outcome().wire());
                    evidence.put("method", d.method().name());
                    evidence.set("reasons", EventJson.mapper().valueToTree(d.reasons()));
                    evidence.put("policy_version", d.policyVersion());
                    if (r.plaidRequestId() != null) {
                        evidence.put("plaid_request_id", r.plaidRequestId());
                    }
                    evidence.setAll(d.evidence());
                    LOG.infof("item_id=%s account_id=%s fraud review %s requested: %s", item.itemId(), r.accountId(), review.reviewId, review.reason);
                    return review.persist().chain(() -> outbox.publish(EventTypes.FRAUD_REVIEW_REQUESTED, "user", review.clientUserId,
                            new FraudReviewRequested(review.reviewId, CONSUMER, review.reason, review.clientUserId,
                                    List.of(item.itemId()), null, evidence, now))).replaceWithVoid();
                });
    }

    static String reviewReason(Decision d) {
        if (d.reasons().contains("DOCUMENT_HIGH_RISK")) {
            return "DOCUMENT_HIGH_RISK";
        }
        if (d.reasons().contains("DOCUMENT_ACCOUNT_NUMBER_MISMATCH")) {
            return "DOCUMENT_ACCOUNT_NUMBER_MISMATCH";
        }
        return d.method().name() + "_FAILED";
    }

    private Uni<Void> requestConsent(ItemView item, String cause) {
        return ConsentRequestEntity.<ConsentRequestEntity>findById(item.itemId()).chain(existing -> {
            if (existing != null) {
                return Uni.createFrom().voidItem(); // one consent request per Item; link-service keeps prompting for it
            }
            ConsentRequestEntity request = new ConsentRequestEntity();
            request.itemId = item.itemId();
            request.relinkId = UUID.randomUUID().toString();
            request.cause = cause;
            request.requestedAt = now();
            LOG.infof("item_id=%s identity consent requested (relink_id=%s, cause %s)", item.itemId(), request.relinkId, cause);
            return request.persist().chain(() -> outbox.publish(EventTypes.RELINK_REQUESTED, "item", item.itemId(),
                    new RelinkRequested(request.relinkId, item.itemId(), clientUserId(item), null, UpdateMode.PRODUCT_CONSENT,
                            RelinkReason.PRODUCT_PERMISSIONS_REQUIRED, cause, null, List.of("identity"), request.requestedAt)))
                    .replaceWithVoid();
        });
    }

    private Uni<Void> saveSnapshot(String itemId, SnapshotUpdate s) {
        return OwnerSnapshotEntity.<OwnerSnapshotEntity>find("itemId = ?1 and accountId = ?2 order by version desc", itemId, s.accountId())
                .firstResult().chain(latest -> {
                    if (latest != null && latest.ownersDigest.equals(s.digest())) {
                        return Uni.createFrom().voidItem();
                    }
                    OwnerSnapshotEntity row = new OwnerSnapshotEntity();
                    row.itemId = itemId;
                    row.accountId = s.accountId();
                    row.version = latest == null ? 1 : latest.version + 1;
                    row.ownersDigest = s.digest();
                    ProfileSealer.Sealed sealed = sealer.sealJson(ProfileSealer.ownersContext(itemId, s.accountId()), s.owners());
                    row.keyId = sealed.keyId();
                    row.ciphertext = sealed.ciphertext();
                    row.requestId = s.requestId();
                    row.takenAt = now();
                    LOG.infof("item_id=%s account_id=%s owners snapshot v%d request_id=%s", itemId, s.accountId(), row.version, s.requestId());
                    return row.persist().replaceWithVoid();
                });
    }

    /** @return whether the Item is active (false: a tombstone of a removed Item, nothing more to do) */
    private Uni<Boolean> registerItem(ItemLinked linked) {
        return IdentityItemEntity.<IdentityItemEntity>findById(linked.itemId()).chain(existing -> {
            if (existing != null && IdentityItemEntity.REMOVED.equals(existing.status)) {
                LOG.infof("item_id=%s item.linked after item.removed: ignored", linked.itemId());
                return Uni.createFrom().item(false);
            }
            IdentityItemEntity e = existing != null ? existing : new IdentityItemEntity();
            e.itemId = linked.itemId();
            e.clientUserId = linked.clientUserId();
            e.institutionId = linked.institution() == null ? null : linked.institution().institutionId();
            if (linked.accessToken() != null) {
                e.tokenKeyId = linked.accessToken().keyId();
                e.tokenCiphertext = linked.accessToken().ciphertext();
            }
            e.identityConsented = linked.consentedTo("identity");
            e.authConsented = linked.consentedTo("auth");
            e.accountIds = json(accountIds(linked));
            e.status = IdentityItemEntity.ACTIVE;
            e.linkedAt = linked.linkedAt();
            e.updatedAt = now();
            return (existing != null ? Uni.createFrom().item(e) : e.persist()).replaceWith(true);
        });
    }

    private Uni<Void> removeItem(ItemRemoved removed) {
        return IdentityItemEntity.<IdentityItemEntity>findById(removed.itemId()).chain(existing -> {
            IdentityItemEntity e = existing != null ? existing : new IdentityItemEntity();
            if (existing == null) {
                e.itemId = removed.itemId();
                e.clientUserId = removed.clientUserId();
                e.accountIds = "[]";
            }
            e.status = IdentityItemEntity.REMOVED;
            e.tokenKeyId = null;
            e.tokenCiphertext = null;
            e.awaitingProfile = false;
            e.removedAt = removed.removedAt() == null ? now() : removed.removedAt();
            e.updatedAt = now();
            String user = e.clientUserId;
            return (existing != null ? Uni.createFrom().item(e) : e.persist())
                    .chain(() -> OwnerSnapshotEntity.delete("itemId", removed.itemId()))
                    .chain(() -> ParkedWebhookEntity.delete("itemId", removed.itemId()))
                    .chain(() -> IdentityItemEntity.count("clientUserId = ?1 and status = ?2", user, IdentityItemEntity.ACTIVE))
                    .chain(active -> active == 0 ? ProfileEntity.deleteById(user).replaceWithVoid() : Uni.createFrom().voidItem())
                    .invoke(() -> LOG.infof("item_id=%s removed: owner snapshots deleted, profile deleted if it was the user's last Item", removed.itemId()))
                    .replaceWithVoid();
        });
    }

    // ------------------------------------------------------------------ reading

    private Uni<ProfileView> loadProfile(String clientUserId) {
        return ProfileEntity.<ProfileEntity>findById(clientUserId).map(row -> {
            if (row == null) {
                return null;
            }
            UserProfile profile = sealer.openJson(ProfileSealer.profileContext(clientUserId),
                    new ProfileSealer.Sealed(row.keyId, row.ciphertext), UserProfile.class);
            return new ProfileView(profile, fields(profile));
        });
    }

    private record LoadedItem(ItemView item, ProfileView profile) {
    }

    private Uni<Loaded> loadItem(String itemId) {
        return IdentityItemEntity.<IdentityItemEntity>findById(itemId).chain(e -> {
            if (e == null || !IdentityItemEntity.ACTIVE.equals(e.status) || e.tokenKeyId == null) {
                return Uni.createFrom().nullItem();
            }
            return OwnerSnapshotEntity.<OwnerSnapshotEntity>list("itemId = ?1 order by accountId, version", itemId)
                    .chain(snapshots -> {
                        Map<String, String> latest = new HashMap<>();
                        snapshots.forEach(s -> latest.put(s.accountId, s.ownersDigest)); // ordered by version: last wins
                        ItemView view = new ItemView(e.itemId, e.clientUserId, e.institutionId, new SealedToken(e.tokenKeyId, e.tokenCiphertext),
                                e.identityConsented, e.authConsented, parse(e.accountIds), latest);
                        return loadProfile(e.clientUserId).map(p -> new Loaded(view, p, null));
                    });
        });
    }

    private Uni<Void> saveProfile(String clientUserId, UserProfile profile) {
        ProfileSealer.Sealed sealed = sealer.sealJson(ProfileSealer.profileContext(clientUserId), profile);
        String fields = fields(profile).stream().map(Enum::name).collect(Collectors.joining(","));
        return ProfileEntity.<ProfileEntity>findById(clientUserId).chain(existing -> {
            ProfileEntity row = existing != null ? existing : new ProfileEntity();
            row.clientUserId = clientUserId;
            row.keyId = sealed.keyId();
            row.ciphertext = sealed.ciphertext();
            row.fields = fields;
            row.updatedAt = now();
            return existing != null ? Uni.createFrom().voidItem() : row.persist().replaceWithVoid();
        });
    }

    private Uni<Boolean> alreadyProcessed(String messageId) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT count(*) FROM inbox_message WHERE consumer = ?1 AND message_id = ?2", Long.class)
                .setParameter(1, CONSUMER).setParameter(2, messageId).getSingleResult()))
                .map(n -> n > 0);
    }

    // ------------------------------------------------------------------ helpers

    static Set<MatchField> fields(UserProfile p) {
        Set<MatchField> f = EnumSet.noneOf(MatchField.class);
        if (p.hasName()) {
            f.add(MatchField.LEGAL_NAME);
        }
        if (p.hasPhone()) {
            f.add(MatchField.PHONE_NUMBER);
        }
        if (p.hasEmail()) {
            f.add(MatchField.EMAIL_ADDRESS);
        }
        if (p.hasAddress()) {
            f.add(MatchField.ADDRESS);
        }
        return f;
    }

    private static ItemView view(ItemLinked linked) {
        return new ItemView(linked.itemId(), linked.clientUserId(),
                linked.institution() == null ? null : linked.institution().institutionId(), linked.accessToken(),
                linked.consentedTo("identity"), linked.consentedTo("auth"), accountIds(linked), Map.of());
    }

    private static List<String> accountIds(ItemLinked linked) {
        List<String> ids = new ArrayList<>();
        if (linked.accounts() != null) {
            for (LinkedAccount a : linked.accounts()) {
                ids.add(a.accountId());
            }
        }
        return ids;
    }

    private static String clientUserId(ItemView item) {
        return item.clientUserId();
    }

    static String fingerprint(Decision d) {
        return Verifier.sha256(String.join("|", d.outcome().name(), String.valueOf(d.nextStep()), d.method().name(),
                String.join(",", d.reasons()), d.policyVersion(), d.evidence().toString()));
    }

    private static String json(Object value) {
        try {
            return EventJson.mapper().writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> parse(String json) {
        try {
            return EventJson.mapper().readValue(json, STRINGS);
        } catch (Exception e) {
            return Arrays.asList();
        }
    }

    private static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
