package dev.tartan.beacon.review;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tartan.beacon.BeaconConfig;
import dev.tartan.beacon.insights.UserItemEntity;
import dev.tartan.beacon.report.ReportEntity;
import dev.tartan.beacon.screening.DuplicateEntity;
import dev.tartan.beacon.screening.SyndicationEntity;
import dev.tartan.beacon.user.BeaconStatus;
import dev.tartan.beacon.user.BeaconUserEntity;
import dev.tartan.beacon.user.PlaidUserSnapshot;
import dev.tartan.beacon.user.StatusHistoryEntity;
import dev.tartan.contracts.EventJson;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.churn.RemovalReason;
import dev.tartan.contracts.churn.UserItemsRemovalRequested;
import dev.tartan.contracts.fraud.FraudOutcome;
import dev.tartan.contracts.fraud.FraudReviewRequested;
import dev.tartan.messaging.outbox.Outbox;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.runtime.Startup;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Applies what Plaid says about a Beacon user now, inside the caller's transaction: the status and its history,
 * the review episode, and the commands and events it causes (through the outbox, so they commit with the state).
 * Every path that learns a user's status (API create/update/review, webhooks, Item association, backfill) ends here.
 */
@ApplicationScoped
@Startup // its meters exist (at zero) from start-up, not from first use
public class StatusApplier {

    private static final Logger LOG = Logger.getLogger(StatusApplier.class);
    public static final String SOURCE = "beacon-service";

    private final Outbox outbox;
    private final BeaconConfig config;
    private final MeterRegistry meters;

    public StatusApplier(Outbox outbox, BeaconConfig config, MeterRegistry meters) {
        this.outbox = outbox;
        this.config = config;
        this.meters = meters;
        // registered at zero so dashboards and rate() see the series before the first change
        for (dev.tartan.beacon.user.BeaconStatus s : dev.tartan.beacon.user.BeaconStatus.values()) {
            meters.counter("tartan_beacon_status_changes_total", "status", s.wire());
        }
        meters.counter("tartan_beacon_review_episodes_opened_total");
    }

    /**
     * Records the observation. For a user not yet held, {@code newUser} (with its PII fields set) is persisted.
     * Must run inside {@code @WithTransaction}.
     */
    public Uni<StatusDecision> observe(PlaidUserSnapshot snap, String cause, BeaconUserEntity newUser) {
        if (snap.status() == null) {
            LOG.warnf("Plaid returned an unknown status for beacon_user_id=%s: ignored (request_id=%s)", snap.beaconUserId(), snap.requestId());
            return Uni.createFrom().item(new StatusDecision(StatusDecision.Kind.STALE, null, null, false, false, false, false));
        }
        return BeaconUserEntity.lockById(snap.beaconUserId()).chain(held -> ReviewEpisodeEntity.openFor(snap.beaconUserId())
                .chain(episode -> {
                    long observedAt = snap.updatedAt() == null ? 0 : snap.updatedAt().toEpochMilli();
                    StatusDecision d = held == null
                            ? StatusDecision.decide(null, 0, 0, episode != null, snap.status(), snap.version(), observedAt)
                            : StatusDecision.decide(held.beaconStatus(), held.plaidVersion,
                            held.plaidUpdatedAt == null ? 0 : held.plaidUpdatedAt.toEpochMilli(), episode != null,
                            snap.status(), snap.version(), observedAt);
                    if (d.kind() == StatusDecision.Kind.STALE) {
                        meters.counter("tartan_beacon_stale_observations_total", "cause", causeTag(cause)).increment();
                        LOG.infof("beacon_user_id=%s: observation (version %d) is older than what is held: ignored", snap.beaconUserId(), snap.version());
                        return Uni.createFrom().item(d);
                    }
                    Uni<BeaconUserEntity> user = held != null ? Uni.createFrom().item(held) : persistNew(snap, newUser);
                    return user.chain(u -> apply(u, snap, d, cause, episode)).replaceWith(d);
                }));
    }

    private Uni<BeaconUserEntity> persistNew(PlaidUserSnapshot snap, BeaconUserEntity template) {
        BeaconUserEntity u = template != null ? template : new BeaconUserEntity();
        Instant now = now();
        u.beaconUserId = snap.beaconUserId();
        u.clientUserId = snap.clientUserId();
        u.programId = config.programId().orElse("unknown");
        u.status = snap.status().wire();
        u.plaidVersion = snap.version();
        u.plaidUpdatedAt = snap.updatedAt();
        u.createdAt = now;
        u.updatedAt = now;
        return u.persist();
    }

    private Uni<Void> apply(BeaconUserEntity u, PlaidUserSnapshot snap, StatusDecision d, String cause, ReviewEpisodeEntity episode) {
        Instant now = now();
        String previous = u.status;
        u.status = snap.status().wire();
        u.plaidVersion = Math.max(u.plaidVersion, snap.version());
        if (snap.updatedAt() != null) {
            u.plaidUpdatedAt = snap.updatedAt();
        }
        u.updatedAt = now;
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (d.statusChanged()) {
            StatusHistoryEntity h = new StatusHistoryEntity();
            h.beaconUserId = u.beaconUserId;
            h.status = u.status;
            h.previousStatus = d.kind() == StatusDecision.Kind.NEW ? null : previous;
            h.plaidVersion = snap.version();
            h.plaidUpdatedAt = snap.updatedAt();
            h.cause = cause;
            h.auditSource = snap.auditSource();
            h.plaidRequestId = snap.requestId();
            h.observedAt = now;
            chain = chain.chain(() -> h.persist()).replaceWithVoid();
            meters.counter("tartan_beacon_status_changes_total", "status", u.status).increment();
            LOG.infof("beacon_user_id=%s status %s -> %s (cause %s, version %d, request_id=%s)", u.beaconUserId,
                    d.kind() == StatusDecision.Kind.NEW ? "(new)" : previous, u.status, cause, snap.version(), snap.requestId());
        }
        if (d.closeEpisode() && episode != null) {
            episode.closedAt = now;
            episode.outcome = u.status;
        }
        if (d.openEpisode()) {
            chain = chain.chain(() -> openEpisode(u, snap, cause));
        } else if (episode != null && !d.closeEpisode()) {
            // still under review: later evidence (a syndication, a duplicate) completes the episode, no new command
            chain = chain.chain(() -> evidence(u, snap, cause).invoke(ev -> episode.evidence = ev.toString())).replaceWithVoid();
        }
        if (d.emitCleared()) {
            chain = chain.chain(() -> outcome(u, d, snap, true));
        }
        if (d.emitRejected()) {
            chain = chain.chain(() -> outcome(u, d, snap, false)).chain(() -> removal(u));
        }
        return chain;
    }

    private Uni<Void> openEpisode(BeaconUserEntity u, PlaidUserSnapshot snap, String cause) {
        return evidence(u, snap, cause).chain(ev -> {
            ReviewEpisodeEntity e = new ReviewEpisodeEntity();
            e.id = UUID.randomUUID().toString();
            e.beaconUserId = u.beaconUserId;
            e.openedAt = now();
            e.evidence = ev.toString();
            List<String> items = toList((ArrayNode) ev.get("item_ids"));
            FraudReviewRequested cmd = new FraudReviewRequested(e.id, SOURCE, "BEACON_PENDING_REVIEW", u.clientUserId, items,
                    u.beaconUserId, ev, now());
            meters.counter("tartan_beacon_review_episodes_opened_total").increment();
            LOG.infof("beacon_user_id=%s pending_review: review episode %s opened, fraud-review command queued", u.beaconUserId, e.id);
            return e.persist().chain(() -> outbox.publish(EventTypes.FRAUD_REVIEW_REQUESTED, "beacon-user", u.clientUserId, cmd));
        }).replaceWithVoid();
    }

    private Uni<Void> outcome(BeaconUserEntity u, StatusDecision d, PlaidUserSnapshot snap, boolean cleared) {
        return itemIds(u, snap).chain(items -> {
            FraudOutcome o = new FraudOutcome(u.clientUserId, u.beaconUserId, u.status,
                    d.previous() == null ? null : d.previous().wire(), items, now());
            return outbox.publish(cleared ? EventTypes.FRAUD_USER_CLEARED : EventTypes.FRAUD_USER_REJECTED, "beacon-user", u.clientUserId, o);
        }).replaceWithVoid();
    }

    private Uni<Void> removal(BeaconUserEntity u) {
        if (!config.removal().onRejected()) {
            LOG.infof("beacon_user_id=%s rejected: Item removal is off (tartan.beacon.removal.on-rejected=false)", u.beaconUserId);
            return Uni.createFrom().voidItem();
        }
        return ReportEntity.forUser(u.beaconUserId).chain(reports -> {
            RemovalReason reason = removalReason(reports.stream().filter(r -> r.active).map(r -> r.type).toList(),
                    config.removal().defaultReason());
            UserItemsRemovalRequested cmd = new UserItemsRemovalRequested(UUID.randomUUID().toString(), u.clientUserId, reason,
                    SOURCE, now());
            LOG.infof("beacon_user_id=%s rejected: removal of all the user's Items requested (%s)", u.beaconUserId, reason);
            return outbox.publish(EventTypes.USER_ITEMS_REMOVAL_REQUESTED, "beacon-user", u.clientUserId, cmd);
        }).replaceWithVoid();
    }

    /** first_party → FRAUD_FIRST_PARTY; stolen or synthetic identity → FRAUD_FALSE_IDENTITY; else the default. */
    public static RemovalReason removalReason(List<String> activeReportTypes, RemovalReason fallback) {
        if (activeReportTypes.contains("first_party")) {
            return RemovalReason.FRAUD_FIRST_PARTY;
        }
        if (activeReportTypes.contains("stolen") || activeReportTypes.contains("synthetic")) {
            return RemovalReason.FRAUD_FALSE_IDENTITY;
        }
        return fallback == null ? RemovalReason.FRAUD_OTHER : fallback;
    }

    /** The evidence a reviewer needs, without PII: hits, reports, syndication and duplicate analyses, Items. */
    public Uni<ObjectNode> evidence(BeaconUserEntity u, PlaidUserSnapshot snap, String cause) {
        return ReportEntity.forUser(u.beaconUserId).chain(reports -> SyndicationEntity.forUser(u.beaconUserId)
                .chain(syndications -> DuplicateEntity.forUser(u.beaconUserId)
                        .chain(duplicates -> itemIds(u, snap).map(items -> {
                            ObjectNode ev = EventJson.mapper().createObjectNode();
                            ev.put("beacon_user_id", u.beaconUserId);
                            ev.put("status", u.status);
                            ev.put("plaid_version", snap.version());
                            ev.put("plaid_request_id", snap.requestId());
                            ev.put("audit_source", snap.auditSource());
                            ev.put("cause", cause);
                            ev.put("program_id", u.programId);
                            ArrayNode hits = ev.putArray("hits");
                            ArrayNode rep = ev.putArray("reports");
                            for (ReportEntity r : reports) {
                                rep.addObject().put("beacon_report_id", r.id).put("type", r.type)
                                        .put("fraud_date", r.fraudDate == null ? null : r.fraudDate.toString()).put("active", r.active);
                                if (r.active) {
                                    hits.addObject().put("kind", "own_report").put("id", r.id).put("type", r.type);
                                }
                            }
                            ArrayNode syn = ev.putArray("syndications");
                            for (SyndicationEntity s : syndications) {
                                ObjectNode o = syn.addObject().put("beacon_report_syndication_id", s.id).put("report_type", s.reportType)
                                        .put("fraud_date", s.fraudDate == null ? null : s.fraudDate.toString()).put("confirmed", s.confirmed);
                                o.set("analysis", parse(s.analysis));
                                hits.addObject().put("kind", "network_report").put("id", s.id).put("type", s.reportType);
                            }
                            ArrayNode dup = ev.putArray("duplicates");
                            for (DuplicateEntity x : duplicates) {
                                String other = u.beaconUserId.equals(x.beaconUser1Id) ? x.beaconUser2Id : x.beaconUser1Id;
                                ObjectNode o = dup.addObject().put("beacon_duplicate_id", x.id).put("other_beacon_user_id", other);
                                o.set("analysis", parse(x.analysis));
                                hits.addObject().put("kind", "duplicate").put("id", x.id).put("other_beacon_user_id", other);
                            }
                            ArrayNode it = ev.putArray("item_ids");
                            items.forEach(it::add);
                            return ev;
                        }))));
    }

    private Uni<List<String>> itemIds(BeaconUserEntity u, PlaidUserSnapshot snap) {
        return UserItemEntity.forUser(u.clientUserId).map(items -> {
            Set<String> ids = new LinkedHashSet<>();
            items.forEach(i -> ids.add(i.itemId));
            if (snap != null && snap.itemIds() != null) {
                ids.addAll(snap.itemIds());
            }
            return List.copyOf(ids);
        });
    }

    private static com.fasterxml.jackson.databind.JsonNode parse(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (Exception e) {
            return EventJson.mapper().nullNode();
        }
    }

    private static List<String> toList(ArrayNode a) {
        java.util.ArrayList<String> out = new java.util.ArrayList<>();
        a.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static String causeTag(String cause) {
        int i = cause.indexOf(':');
        return i < 0 ? cause : cause.substring(0, i);
    }

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }
}
