package dev.tartan.identity.verification;

import dev.tartan.contracts.SealedToken;
import dev.tartan.identity.match.MatchField;
import dev.tartan.identity.match.Owner;
import dev.tartan.identity.policy.Decision;
import dev.tartan.identity.profile.UserProfile;

import java.util.List;
import java.util.Map;
import java.util.Set;

/** The values a verification run reads and produces; no I/O. */
public final class Model {

    private Model() {
    }

    /** What a run needs to know about an Item. */
    public record ItemView(String itemId, String clientUserId, String institutionId, SealedToken token,
                           boolean identityConsented, boolean authConsented, List<String> accountIds,
                           Map<String, String> latestOwnerDigests) {
    }

    /** The opened profile and which of its fields are present. */
    public record ProfileView(UserProfile profile, Set<MatchField> fields) {
    }

    /** One account's new decision, with the Plaid request that produced its evidence. */
    public record AccountResult(String accountId, Decision decision, String plaidRequestId) {
    }

    /** A new owners version for an account. */
    public record SnapshotUpdate(String accountId, List<Owner> owners, String digest, String requestId) {
    }

    /**
     * Everything a run decided, to apply in one transaction.
     *
     * @param consentCause   non-null when an Identity consent request must be sent
     * @param awaitingProfile the run could not match because the app has not sent the user's profile yet
     */
    public record RunResult(List<AccountResult> decisions, String consentCause, List<SnapshotUpdate> snapshots,
                            boolean awaitingProfile) {
        public static RunResult empty() {
            return new RunResult(List.of(), null, List.of(), false);
        }
    }
}
