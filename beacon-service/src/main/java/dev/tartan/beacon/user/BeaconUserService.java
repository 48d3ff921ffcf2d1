package dev.tartan.beacon.user;

import dev.tartan.beacon.BeaconSwitch;
import dev.tartan.beacon.api.ApiException;
import dev.tartan.beacon.insights.UserItemEntity;
import dev.tartan.beacon.report.FraudReportRequest;
import dev.tartan.beacon.report.ReportEntity;
import dev.tartan.beacon.review.ReviewEpisodeEntity;
import dev.tartan.beacon.review.ReviewRules;
import dev.tartan.beacon.review.StatusApplier;
import dev.tartan.beacon.screening.SyndicationEntity;
import dev.tartan.contracts.EventJson;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Beacon users through the API: create, update (re-screens), read with history, report fraud, review.
 * Each operation reads, calls Plaid with no transaction open, then applies Plaid's answer in one short transaction.
 */
@ApplicationScoped
public class BeaconUserService {

    private final BeaconSwitch beacon;
    private final BeaconPlaid plaid;
    private final StatusApplier applier;

    public BeaconUserService(BeaconSwitch beacon, BeaconPlaid plaid, StatusApplier applier) {
        this.beacon = beacon;
        this.plaid = plaid;
        this.applier = applier;
    }

    public Uni<UserView> create(String clientUserId, UserData data, String cause) {
        beacon.requireEnabled();
        if (clientUserId == null || clientUserId.isBlank() || clientUserId.length() > 128) {
            throw ApiException.invalid(List.of("client_user_id is required (the same id link-service uses, at most 128 characters)"));
        }
        if (data == null) {
            throw ApiException.invalid(List.of("user is required"));
        }
        List<String> problems = data.validateForCreate();
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return Panache.withSession(() -> BeaconUserEntity.findByClientUserId(clientUserId))
                .invoke(existing -> {
                    if (existing != null) {
                        throw new ApiException(409, "BEACON_USER_EXISTS", "a Beacon user already exists for this client_user_id ("
                                + existing.beaconUserId + "); update it with PUT /beacon/users/{client_user_id}");
                    }
                })
                .chain(() -> createAtPlaid(clientUserId, data, cause, null))
                .chain(() -> view(clientUserId, false));
    }

    /** Creates at Plaid and records the user; returns the snapshot. Used by the API and the backfill. */
    public Uni<PlaidUserSnapshot> createAtPlaid(String clientUserId, UserData data, String cause,
                                                Supplier<Uni<?>> alsoInTransaction) {
        PiiCipher.Sealed sealed = beacon.cipher().seal(clientUserId, EventJsonPii.write(data));
        return plaid.createUser(beacon.programId(), clientUserId, data)
                .chain(snap -> Panache.withTransaction(() -> {
                    BeaconUserEntity template = new BeaconUserEntity();
                    template.piiKeyId = sealed.keyId();
                    template.piiCiphertext = sealed.ciphertext();
                    return applier.observe(snap, cause, template)
                            .chain(() -> BeaconUserEntity.<BeaconUserEntity>findById(snap.beaconUserId()))
                            .invoke(u -> {
                                // a webhook may have recorded the user (without data) before this transaction
                                if (u != null && u.piiCiphertext == null) {
                                    u.piiKeyId = sealed.keyId();
                                    u.piiCiphertext = sealed.ciphertext();
                                }
                            })
                            .chain(() -> alsoInTransaction == null ? Uni.createFrom().voidItem() : alsoInTransaction.get());
                }).replaceWith(snap));
    }

    public Uni<UserView> update(String clientUserId, UserData patch) {
        beacon.requireEnabled();
        if (patch == null) {
            throw ApiException.invalid(List.of("user is required"));
        }
        List<String> problems = patch.validateForUpdate();
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return Panache.withSession(() -> load(clientUserId))
                .chain(u -> {
                    UserData current = u.piiCiphertext == null ? null : decrypt(u);
                    UserData merged = current == null ? patch : current.mergedWith(patch);
                    PiiCipher.Sealed sealed = beacon.cipher().seal(clientUserId, EventJsonPii.write(merged));
                    return plaid.updateUser(u.beaconUserId, clientUserId, patch)
                            .chain(snap -> Panache.withTransaction(() -> applier.observe(snap, "api_update", null)
                                    .chain(() -> BeaconUserEntity.<BeaconUserEntity>findById(snap.beaconUserId()))
                                    .invoke(x -> {
                                        x.piiKeyId = sealed.keyId();
                                        x.piiCiphertext = sealed.ciphertext();
                                    })));
                })
                .chain(() -> view(clientUserId, false));
    }

    public Uni<UserView> report(String clientUserId, FraudReportRequest request, String source) {
        beacon.requireEnabled();
        if (request == null) {
            throw ApiException.invalid(List.of("a report body is required"));
        }
        List<String> problems = request.validate(LocalDate.now(ZoneOffset.UTC));
        if (!problems.isEmpty()) {
            throw ApiException.invalid(problems);
        }
        return Panache.withSession(() -> load(clientUserId))
                .chain(u -> fileReport(u.beaconUserId, request, source))
                .chain(() -> view(clientUserId, false));
    }

    /** {@code /beacon/report/create}, then the report is recorded. Used by the API and the backfill. */
    public Uni<BeaconPlaid.Report> fileReport(String beaconUserId, FraudReportRequest request, String source) {
        return plaid.createReport(beaconUserId, request)
                .call(r -> Panache.withTransaction(() -> upsertReport(r, source)));
    }

    public static Uni<ReportEntity> upsertReport(BeaconPlaid.Report r, String source) {
        return ReportEntity.<ReportEntity>findById(r.id()).chain(existing -> {
            ReportEntity e = existing != null ? existing : new ReportEntity();
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            if (existing == null) {
                e.id = r.id();
                e.createdAt = now;
                e.source = source;
            }
            e.beaconUserId = r.beaconUserId();
            e.type = r.type();
            e.fraudDate = r.fraudDate();
            e.eventDate = r.eventDate();
            e.amountValue = r.amount();
            e.amountCurrency = r.currency();
            e.active = true;
            e.updatedAt = now;
            return existing != null ? Uni.createFrom().item(e) : e.<ReportEntity>persist();
        });
    }

    public Uni<UserView> review(String clientUserId, String decisionWire) {
        beacon.requireEnabled();
        BeaconStatus decision = BeaconStatus.fromWire(decisionWire);
        return Panache.withSession(() -> load(clientUserId).chain(u -> ReportEntity.countActive(u.beaconUserId)
                        .chain(reports -> SyndicationEntity.countConfirmed(u.beaconUserId)
                                .map(syndications -> {
                                    ReviewRules.check(u.beaconStatus(), decision, reports, syndications).ifPresent(v -> {
                                        throw new ApiException(409, v.code(), v.message());
                                    });
                                    return u.beaconUserId;
                                }))))
                .chain(id -> plaid.review(id, decision))
                .chain(snap -> Panache.withTransaction(() -> applier.observe(snap, "review", null)))
                .chain(() -> view(clientUserId, false));
    }

    public Uni<UserView> view(String clientUserId, boolean withUserData) {
        beacon.requireEnabled();
        return Panache.withSession(() -> load(clientUserId).chain(u -> StatusHistoryEntity.forUser(u.beaconUserId)
                .chain(history -> ReviewEpisodeEntity.forUser(u.beaconUserId)
                        .chain(episodes -> ReportEntity.forUser(u.beaconUserId)
                                .chain(reports -> UserItemEntity.forUser(u.clientUserId).map(items -> {
                                    Set<String> itemIds = new LinkedHashSet<>();
                                    items.forEach(i -> itemIds.add(i.itemId));
                                    return new UserView(u.beaconUserId, u.clientUserId, u.programId, u.status, u.plaidVersion,
                                            u.createdAt, u.updatedAt,
                                            history.stream().map(h -> new UserView.HistoryEntry(h.status, h.previousStatus, h.plaidVersion,
                                                    h.cause, h.auditSource, h.plaidRequestId, h.plaidUpdatedAt, h.observedAt)).toList(),
                                            episodes.stream().map(e -> new UserView.Episode(e.id, e.openedAt, e.closedAt, e.outcome,
                                                    readTree(e.evidence))).toList(),
                                            reports.stream().map(r -> new UserView.Report(r.id, r.type, r.fraudDate, r.amountValue,
                                                    r.amountCurrency, r.active, r.source)).toList(),
                                            List.copyOf(itemIds),
                                            withUserData && u.piiCiphertext != null ? decrypt(u) : null);
                                }))))));
    }

    private static Uni<BeaconUserEntity> load(String clientUserId) {
        return BeaconUserEntity.findByClientUserId(clientUserId).onItem().ifNull()
                .failWith(() -> ApiException.notFound("no Beacon user for this client_user_id"));
    }

    private UserData decrypt(BeaconUserEntity u) {
        return EventJsonPii.read(beacon.cipher().open(u.clientUserId, new PiiCipher.Sealed(u.piiKeyId, u.piiCiphertext)));
    }

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return EventJson.mapper().readTree(json);
        } catch (Exception e) {
            return null;
        }
    }
}
