package dev.tartan.beacon.screening;

import dev.tartan.beacon.review.StatusApplier;
import dev.tartan.beacon.user.BeaconPlaid;
import dev.tartan.beacon.user.BeaconUserService;
import dev.tartan.beacon.user.PlaidUserSnapshot;
import dev.tartan.beacon.report.ReportEntity;
import dev.tartan.messaging.inbox.Inbox;
import dev.tartan.plaid.gateway.PlaidApiException;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * Follows BEACON webhooks up: fetch what the webhook points at, then the user's status as Plaid has it now, and
 * apply both in one transaction with the inbox row. The webhook itself decides nothing, which is what makes late,
 * repeated and reordered deliveries harmless.
 */
@ApplicationScoped
public class ScreeningService {

    private static final Logger LOG = Logger.getLogger(ScreeningService.class);

    private final BeaconPlaid plaid;
    private final StatusApplier applier;
    private final Inbox inbox;

    public ScreeningService(BeaconPlaid plaid, StatusApplier applier, Inbox inbox) {
        this.plaid = plaid;
        this.applier = applier;
        this.inbox = inbox;
    }

    /** What the follow-up fetched: evidence to store and users to re-observe. */
    private record Fetched(SyndicationEntity syndication, DuplicateEntity duplicate, BeaconPlaid.Report report,
                           String removedReportId, List<PlaidUserSnapshot> users) {
    }

    public Uni<Void> handle(String consumer, String eventId, BeaconWebhook hook) {
        String cause = "webhook:" + hook.code();
        return alreadyProcessed(consumer, eventId).chain(done -> {
            if (done) {
                LOG.debugf("BEACON %s delivery %s already processed", hook.code(), eventId);
                return Uni.createFrom().voidItem();
            }
            return fetch(hook).chain(f -> Panache.withTransaction(() -> inbox.runOnce(consumer, eventId, () -> apply(f, cause))))
                    .replaceWithVoid();
        });
    }

    private Uni<Fetched> fetch(BeaconWebhook hook) {
        return switch (hook.followUp()) {
            case USER_GET -> plaid.getUser(hook.objectId()).map(u -> new Fetched(null, null, null, null, List.of(u)));
            case REPORT_GET -> plaid.getReport(hook.objectId())
                    .chain(r -> plaid.getUser(r.beaconUserId()).map(u -> new Fetched(null, null, r, null, List.of(u))))
                    .onFailure(PlaidApiException.class).recoverWithUni(e -> {
                        if (((PlaidApiException) e).httpStatus() == 404) {
                            // REPORT_UPDATED for a removed report: mark it inactive, re-read its user
                            return Panache.withSession(() -> ReportEntity.<ReportEntity>findById(hook.objectId()))
                                    .chain(known -> known == null
                                            ? Uni.createFrom().item(new Fetched(null, null, null, hook.objectId(), List.of()))
                                            : plaid.getUser(known.beaconUserId).map(u -> new Fetched(null, null, null, hook.objectId(), List.of(u))));
                        }
                        return Uni.createFrom().failure(e);
                    });
            case REPORT_SYNDICATION_GET -> plaid.getSyndication(hook.objectId()).chain(s -> plaid.getUser(s.beaconUserId())
                    .map(u -> new Fetched(syndication(s), null, null, null, List.of(u))));
            case DUPLICATE_GET -> plaid.getDuplicate(hook.objectId()).chain(d -> plaid.getUser(d.beaconUser1Id())
                    .chain(u1 -> plaid.getUser(d.beaconUser2Id()).map(u2 -> new Fetched(null, duplicate(d), null, null, List.of(u1, u2)))));
            case NONE -> Uni.createFrom().item(new Fetched(null, null, null, null, List.of()));
        };
    }

    private Uni<Void> apply(Fetched f, String cause) {
        Uni<Void> chain = Uni.createFrom().voidItem();
        if (f.syndication() != null) {
            chain = chain.chain(() -> SyndicationEntity.<SyndicationEntity>findById(f.syndication().id)
                    .chain(existing -> existing != null ? Uni.createFrom().voidItem() : f.syndication().persist().replaceWithVoid()));
        }
        if (f.duplicate() != null) {
            chain = chain.chain(() -> DuplicateEntity.<DuplicateEntity>findById(f.duplicate().id)
                    .chain(existing -> existing != null ? Uni.createFrom().voidItem() : f.duplicate().persist().replaceWithVoid()));
        }
        if (f.report() != null) {
            chain = chain.chain(() -> BeaconUserService.upsertReport(f.report(), "webhook")).replaceWithVoid();
        }
        if (f.removedReportId() != null) {
            chain = chain.chain(() -> ReportEntity.<ReportEntity>findById(f.removedReportId()).invoke(r -> {
                if (r != null) {
                    r.active = false;
                    r.updatedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
                }
            })).replaceWithVoid();
        }
        for (PlaidUserSnapshot u : f.users()) {
            // users of another program (or created before this service) are recorded without data
            chain = chain.chain(() -> applier.observe(u, cause, null)).replaceWithVoid();
        }
        return chain;
    }

    private static SyndicationEntity syndication(BeaconPlaid.Syndication s) {
        SyndicationEntity e = new SyndicationEntity();
        e.id = s.id();
        e.beaconUserId = s.beaconUserId();
        e.reportType = s.reportType();
        e.fraudDate = s.fraudDate();
        e.analysis = s.analysis().toString();
        e.confirmed = s.confirmed();
        e.fetchedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return e;
    }

    private static DuplicateEntity duplicate(BeaconPlaid.Duplicate d) {
        DuplicateEntity e = new DuplicateEntity();
        e.id = d.id();
        e.beaconUser1Id = d.beaconUser1Id();
        e.beaconUser2Id = d.beaconUser2Id();
        e.analysis = d.analysis().toString();
        e.fetchedAt = Instant.now().truncatedTo(ChronoUnit.MICROS);
        return e;
    }

    /** A cheap look before calling Plaid; the inbox row written with the effect is what guarantees once-only. */
    public static Uni<Boolean> alreadyProcessed(String consumer, String eventId) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "SELECT count(*) FROM inbox_message WHERE consumer = ?1 AND message_id = ?2", Long.class)
                        .setParameter(1, consumer).setParameter(2, eventId).getSingleResult()))
                .map(n -> n != null && n > 0);
    }

}
