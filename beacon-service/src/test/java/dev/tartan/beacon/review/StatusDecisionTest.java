package dev.tartan.beacon.review;

import dev.tartan.beacon.user.BeaconStatus;
import org.junit.jupiter.api.Test;

import static dev.tartan.beacon.user.BeaconStatus.CLEARED;
import static dev.tartan.beacon.user.BeaconStatus.PENDING_REVIEW;
import static dev.tartan.beacon.user.BeaconStatus.REJECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatusDecisionTest {

    @Test
    void newPendingUserOpensOneEpisode() {
        StatusDecision d = StatusDecision.decide(null, 0, 0, false, PENDING_REVIEW, 1, 1000);
        assertEquals(StatusDecision.Kind.NEW, d.kind());
        assertTrue(d.openEpisode());
        assertFalse(d.emitCleared() || d.emitRejected());
    }

    @Test
    void newClearedUserEmitsClearedEvent() {
        StatusDecision d = StatusDecision.decide(null, 0, 0, false, CLEARED, 1, 1000);
        assertTrue(d.emitCleared());
        assertFalse(d.openEpisode());
    }

    @Test
    void repeatedPendingObservationOpensNothingWhileEpisodeOpen() {
        StatusDecision d = StatusDecision.decide(PENDING_REVIEW, 1, 1000, true, PENDING_REVIEW, 1, 1000);
        assertEquals(StatusDecision.Kind.UNCHANGED, d.kind());
        assertFalse(d.openEpisode());
    }

    @Test
    void pendingWithoutEpisodeReopensIt() {
        StatusDecision d = StatusDecision.decide(PENDING_REVIEW, 1, 1000, false, PENDING_REVIEW, 1, 1000);
        assertTrue(d.openEpisode());
    }

    @Test
    void leavingPendingClosesEpisodeAndEmitsOutcome() {
        StatusDecision d = StatusDecision.decide(PENDING_REVIEW, 1, 1000, true, REJECTED, 1, 2000);
        assertEquals(StatusDecision.Kind.CHANGED, d.kind());
        assertTrue(d.closeEpisode());
        assertTrue(d.emitRejected());
        assertFalse(d.openEpisode());
    }

    @Test
    void olderObservationNeverMovesUserBack() {
        // a late webhook: we already hold rejected at version 2; Plaid's (older) pending answer at version 1 is stale
        StatusDecision d = StatusDecision.decide(REJECTED, 2, 5000, false, PENDING_REVIEW, 1, 1000);
        assertEquals(StatusDecision.Kind.STALE, d.kind());
        assertEquals(REJECTED, d.current());
        StatusDecision sameVersionOlder = StatusDecision.decide(CLEARED, 2, 5000, false, PENDING_REVIEW, 2, 4000);
        assertEquals(StatusDecision.Kind.STALE, sameVersionOlder.kind());
    }

    @Test
    void reScreenBackToPendingOpensNewEpisode() {
        StatusDecision d = StatusDecision.decide(CLEARED, 1, 1000, false, PENDING_REVIEW, 2, 2000);
        assertTrue(d.openEpisode());
        assertEquals(CLEARED, d.previous());
    }

    @Test
    void unknownStatusIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> StatusDecision.decide(CLEARED, 1, 0, false, null, 1, 0));
        assertEquals(null, BeaconStatus.fromWire("something_new"));
        assertEquals(PENDING_REVIEW, BeaconStatus.fromWire("pending_review"));
    }
}
