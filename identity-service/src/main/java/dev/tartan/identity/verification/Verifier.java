package dev.tartan.identity.verification;

import dev.tartan.contracts.EventJson;
import dev.tartan.identity.match.MatchField;
import dev.tartan.identity.match.MatchScores;
import dev.tartan.identity.match.Owner;
import dev.tartan.identity.match.ProfileMatcher;
import dev.tartan.identity.plaid.PlaidIdentityClient;
import dev.tartan.identity.plaid.PlaidIdentityClient.ItemRef;
import dev.tartan.identity.policy.AuthEvidence;
import dev.tartan.identity.policy.Decision;
import dev.tartan.identity.policy.Method;
import dev.tartan.identity.policy.VerificationPolicy;
import dev.tartan.identity.verification.Model.AccountResult;
import dev.tartan.identity.verification.Model.ItemView;
import dev.tartan.identity.verification.Model.ProfileView;
import dev.tartan.identity.verification.Model.RunResult;
import dev.tartan.identity.verification.Model.SnapshotUpdate;
import dev.tartan.plaid.gateway.PlaidApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gathers evidence from Plaid for an Item and lets the policy decide, per account. Holds no database
 * transaction: the caller applies the {@link RunResult} in a short one afterwards. Retryable Plaid failures
 * propagate (the consumer retries); answers that are outcomes (PRODUCTS_NOT_SUPPORTED, ACCESS_NOT_GRANTED,
 * PRODUCT_NOT_READY) become decisions or nothing, never a retry loop.
 */
@ApplicationScoped
public class Verifier {

    private static final Logger LOG = Logger.getLogger(Verifier.class);

    static final String PRODUCTS_NOT_SUPPORTED = "PRODUCTS_NOT_SUPPORTED";
    static final Set<String> CONSENT_MISSING = Set.of("ACCESS_NOT_GRANTED", "PRODUCT_PERMISSIONS_REQUIRED", "PRODUCT_NOT_ENABLED",
            "ADDITIONAL_CONSENT_REQUIRED");

    private final PlaidIdentityClient plaid;
    private final VerificationPolicy policy;
    private final ProfileMatcher matcher;

    public Verifier(PlaidIdentityClient plaid, VerificationPolicy policy, ProfileMatcher matcher) {
        this.plaid = plaid;
        this.policy = policy;
        this.matcher = matcher;
    }

    private static ItemRef ref(ItemView item) {
        return new ItemRef(item.itemId(), item.token());
    }

    /**
     * The whole check: {@code /auth/get} verification statuses where Auth was consented (Database Insights,
     * Database Match, micro-deposits), then Identity Match for accounts without such a status or with a
     * "pass with caution", then an {@code /identity/get} owners snapshot where the Item supports it.
     *
     * @param onDemand the app asked: a missing Identity consent produces a consent request (on item.linked
     *                 without Identity there is nothing to verify)
     */
    public Uni<RunResult> full(ItemView item, ProfileView profile, boolean onDemand) {
        Uni<Map<String, AuthEvidence>> auth = item.authConsented()
                ? plaid.auth(ref(item)).map(PlaidIdentityClient.AuthResult::accounts)
                .onFailure(Verifier::isOutcome).recoverWithItem(t -> authOutcome(item, t))
                : Uni.createFrom().item(Map.of());
        return auth.chain(statuses -> decide(item, profile, onDemand, statuses));
    }

    private Uni<RunResult> decide(ItemView item, ProfileView profile, boolean onDemand, Map<String, AuthEvidence> statuses) {
        List<AccountResult> decisions = new ArrayList<>();
        Map<String, AuthEvidence> caution = new LinkedHashMap<>();
        List<String> plain = new ArrayList<>();
        for (String accountId : item.accountIds()) {
            AuthEvidence evidence = statuses.getOrDefault(accountId, new AuthEvidence(null, null));
            switch (evidence.verdict()) {
                case PASS, FAIL -> decisions.add(new AccountResult(accountId, policy.decideAuth(evidence, item.identityConsented()), null));
                case PENDING -> LOG.infof("item_id=%s account_id=%s verification pending (%s): no decision yet",
                        item.itemId(), accountId, evidence.verificationStatus());
                case CAUTION -> caution.put(accountId, evidence);
                case NONE -> plain.add(accountId);
            }
        }
        List<String> toMatch = new ArrayList<>(caution.keySet());
        toMatch.addAll(plain);
        if (toMatch.isEmpty()) {
            return Uni.createFrom().item(new RunResult(decisions, null, List.of(), false));
        }
        if (!item.identityConsented()) {
            caution.forEach((accountId, evidence) -> decisions.add(new AccountResult(accountId, policy.decideAuth(evidence, false), null)));
            String consent = null;
            if (onDemand && !plain.isEmpty()) {
                consent = "IDENTITY_NOT_CONSENTED";
                for (String accountId : plain) {
                    decisions.add(new AccountResult(accountId, policy.consentRequired(consent), null));
                }
            }
            return Uni.createFrom().item(new RunResult(decisions, consent, List.of(), false));
        }
        if (profile == null) {
            LOG.infof("item_id=%s: no profile for the user yet, verification waits for it", item.itemId());
            return Uni.createFrom().item(new RunResult(decisions, null, List.of(), true));
        }
        return plaid.match(ref(item), profile.profile(), toMatch)
                .chain(result -> {
                    for (String accountId : toMatch) {
                        MatchScores scores = result.scores().getOrDefault(accountId, MatchScores.NONE);
                        Decision d = policy.decideMatch(scores, profile.fields(), Method.IDENTITY_MATCH);
                        if (caution.containsKey(accountId)) {
                            d = policy.withCaution(caution.get(accountId), d);
                        }
                        decisions.add(new AccountResult(accountId, d, result.requestId()));
                    }
                    if (plain.isEmpty()) {
                        return Uni.createFrom().item(new RunResult(decisions, null, List.of(), false));
                    }
                    return snapshots(item, Set.copyOf(plain)).map(s -> new RunResult(decisions, null, s, false));
                })
                .onFailure(Verifier::isOutcome).recoverWithItem(t -> {
                    PlaidApiException e = (PlaidApiException) t;
                    if (PRODUCTS_NOT_SUPPORTED.equals(e.errorCode())) {
                        LOG.infof("item_id=%s request_id=%s identity match not supported (Item unknown to the Plaid network)",
                                item.itemId(), e.requestId());
                        for (String accountId : toMatch) {
                            Decision d = policy.unsupported(e.errorCode());
                            if (caution.containsKey(accountId)) {
                                d = policy.withCaution(caution.get(accountId), d);
                            }
                            decisions.add(new AccountResult(accountId, d, e.requestId()));
                        }
                        return new RunResult(decisions, null, List.of(), false);
                    }
                    if (CONSENT_MISSING.contains(e.errorCode())) {
                        for (String accountId : toMatch) {
                            decisions.add(new AccountResult(accountId, policy.consentRequired(e.errorCode()), e.requestId()));
                        }
                        return new RunResult(decisions, e.errorCode(), List.of(), false);
                    }
                    LOG.warnf("item_id=%s request_id=%s identity match failed with %s/%s: no decision until the Item is fixed",
                            item.itemId(), e.requestId(), e.errorType(), e.errorCode());
                    return new RunResult(decisions, null, List.of(), false);
                });
    }

    /** IDENTITY DEFAULT_UPDATE: a fresh snapshot; accounts whose owners changed are matched again. */
    public Uni<RunResult> refreshIdentity(ItemView item, ProfileView profile) {
        return plaid.identityGet(ref(item))
                .chain(owners -> {
                    List<SnapshotUpdate> changed = changedSnapshots(item, owners, null);
                    if (changed.isEmpty()) {
                        LOG.infof("item_id=%s request_id=%s identity refresh: no owner changed", item.itemId(), owners.requestId());
                        return Uni.createFrom().item(RunResult.empty());
                    }
                    if (profile == null) {
                        return Uni.createFrom().item(new RunResult(List.of(), null, changed, true));
                    }
                    List<String> accounts = changed.stream().map(SnapshotUpdate::accountId).toList();
                    return plaid.match(ref(item), profile.profile(), accounts).map(result -> {
                        List<AccountResult> decisions = new ArrayList<>();
                        for (String accountId : accounts) {
                            decisions.add(new AccountResult(accountId, policy.decideMatch(result.scores().getOrDefault(accountId,
                                    MatchScores.NONE), profile.fields(), Method.IDENTITY_MATCH), result.requestId()));
                        }
                        return new RunResult(decisions, null, changed, false);
                    });
                })
                .onFailure(Verifier::isOutcome).recoverWithItem(t -> {
                    PlaidApiException e = (PlaidApiException) t;
                    if (CONSENT_MISSING.contains(e.errorCode())) {
                        return consentMissing(item, e.errorCode());
                    }
                    LOG.warnf("item_id=%s request_id=%s identity refresh answered %s: nothing to do", item.itemId(), e.requestId(), e.errorCode());
                    return RunResult.empty();
                });
    }

    /** IDENTITY DOCUMENT_UPDATE_AVAILABLE: the statement's checks, then its owners against the profile. */
    public Uni<RunResult> documents(ItemView item, ProfileView profile) {
        return plaid.documents(ref(item)).map(result -> {
            List<AccountResult> decisions = new ArrayList<>();
            result.accounts().forEach((accountId, doc) -> {
                if (doc.document() == null) {
                    return;
                }
                MatchScores scores = profile == null ? MatchScores.NONE : matcher.match(profile.profile(), doc.owners());
                Set<MatchField> fields = profile == null ? EnumSet.noneOf(MatchField.class) : profile.fields();
                decisions.add(new AccountResult(accountId, policy.decideDocument(doc.document(), scores, fields), result.requestId()));
            });
            return new RunResult(decisions, null, List.of(), profile == null);
        }).onFailure(Verifier::isOutcome).recoverWithItem(t -> {
            PlaidApiException e = (PlaidApiException) t;
            LOG.warnf("item_id=%s request_id=%s document uploads answered %s: nothing to decide", item.itemId(), e.requestId(), e.errorCode());
            return RunResult.empty();
        });
    }

    /** IDENTITY PRODUCT_PERMISSIONS_REQUIRED (or ACCESS_NOT_GRANTED): ask for consent; every account waits for it. */
    public RunResult consentMissing(ItemView item, String cause) {
        List<AccountResult> decisions = new ArrayList<>();
        for (String accountId : item.accountIds()) {
            decisions.add(new AccountResult(accountId, policy.consentRequired(cause), null));
        }
        return new RunResult(decisions, cause, List.of(), false);
    }

    private Uni<List<SnapshotUpdate>> snapshots(ItemView item, Set<String> accounts) {
        return plaid.identityGet(ref(item))
                .map(owners -> changedSnapshots(item, owners, accounts))
                .onFailure().recoverWithItem(t -> {
                    LOG.warnf("item_id=%s owners snapshot skipped: %s", item.itemId(), t.toString());
                    return List.of();
                });
    }

    private static List<SnapshotUpdate> changedSnapshots(ItemView item, PlaidIdentityClient.OwnersResult owners, Set<String> only) {
        List<SnapshotUpdate> changed = new ArrayList<>();
        owners.owners().forEach((accountId, list) -> {
            if (only != null && !only.contains(accountId)) {
                return;
            }
            String digest = digest(list);
            if (!digest.equals(item.latestOwnerDigests().get(accountId))) {
                changed.add(new SnapshotUpdate(accountId, list, digest, owners.requestId()));
            }
        });
        return changed;
    }

    static String digest(List<Owner> owners) {
        try {
            byte[] json = EventJson.mapper().writeValueAsBytes(owners);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, AuthEvidence> authOutcome(ItemView item, Throwable t) {
        PlaidApiException e = (PlaidApiException) t;
        if ("PRODUCT_NOT_READY".equals(e.errorCode())) {
            LOG.infof("item_id=%s request_id=%s auth not ready (micro-deposits unverified): waiting for the AUTH webhook",
                    item.itemId(), e.requestId());
            Map<String, AuthEvidence> pending = new LinkedHashMap<>();
            item.accountIds().forEach(a -> pending.put(a, new AuthEvidence("pending_automatic_verification", null)));
            return pending;
        }
        LOG.infof("item_id=%s request_id=%s auth/get answered %s: deciding without a verification status",
                item.itemId(), e.requestId(), e.errorCode());
        return Map.of();
    }

    /** A Plaid answer that is an outcome to act on, not a failure to retry. */
    static boolean isOutcome(Throwable t) {
        return t instanceof PlaidApiException e && !e.isRetryable();
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
