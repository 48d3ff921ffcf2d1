package dev.tartan.beacon.review;

import dev.tartan.beacon.user.BeaconStatus;

/**
 * What observing a Beacon user's status means for us. Decided by what Plaid returns now, never by the
 * webhook that prompted the look: a late or repeated webhook leads to a fresh {@code /beacon/user/get},
 * and an observation older than the one already applied is ignored.
 *
 * @param kind           whether anything changes
 * @param previous       the status held before (null for a user seen for the first time)
 * @param current        the status after
 * @param openEpisode    a new review episode starts: one fraud-review command
 * @param closeEpisode   the open review episode ends (the user left pending_review)
 * @param emitCleared    a {@code user-cleared} fraud event
 * @param emitRejected   a {@code user-rejected} fraud event (and, by policy, a removal request)
 */
public record StatusDecision(Kind kind, BeaconStatus previous, BeaconStatus current, boolean openEpisode,
                             boolean closeEpisode, boolean emitCleared, boolean emitRejected) {

    public enum Kind {
        /** First observation of this user. */
        NEW,
        /** The status moved. */
        CHANGED,
        /** Same status (maybe a newer version): record the version, nothing to emit. */
        UNCHANGED,
        /** Older than what we hold: ignored entirely. */
        STALE
    }

    public boolean statusChanged() {
        return kind == Kind.NEW || kind == Kind.CHANGED;
    }

    /**
     * @param held            status we hold, null if the user is new to us
     * @param heldVersion     Plaid version of what we hold
     * @param heldUpdatedAt   Plaid updated_at of what we hold (epoch millis; 0 if unknown)
     * @param episodeOpen     whether a review episode is open
     */
    public static StatusDecision decide(BeaconStatus held, int heldVersion, long heldUpdatedAt, boolean episodeOpen,
                                        BeaconStatus observed, int observedVersion, long observedUpdatedAt) {
        if (observed == null) {
            throw new IllegalArgumentException("Plaid returned no known status");
        }
        if (held == null) {
            boolean pending = observed == BeaconStatus.PENDING_REVIEW;
            return new StatusDecision(Kind.NEW, null, observed, pending && !episodeOpen, false,
                    observed == BeaconStatus.CLEARED, observed == BeaconStatus.REJECTED);
        }
        boolean older = observedVersion < heldVersion
                || (observedVersion == heldVersion && observedUpdatedAt > 0 && heldUpdatedAt > 0 && observedUpdatedAt < heldUpdatedAt);
        if (older) {
            return new StatusDecision(Kind.STALE, held, held, false, false, false, false);
        }
        if (observed == held) {
            // still pending with no open episode (e.g. the episode was never opened because of a crash): open it
            boolean reopen = observed == BeaconStatus.PENDING_REVIEW && !episodeOpen;
            return new StatusDecision(Kind.UNCHANGED, held, held, reopen, false, false, false);
        }
        boolean toPending = observed == BeaconStatus.PENDING_REVIEW;
        return new StatusDecision(Kind.CHANGED, held, observed, toPending && !episodeOpen, !toPending && episodeOpen,
                observed == BeaconStatus.CLEARED, observed == BeaconStatus.REJECTED);
    }
}
