package dev.tartan.beacon.review;

import org.junit.jupiter.api.Test;

import static dev.tartan.beacon.user.BeaconStatus.CLEARED;
import static dev.tartan.beacon.user.BeaconStatus.PENDING_REVIEW;
import static dev.tartan.beacon.user.BeaconStatus.REJECTED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReviewRulesTest {

    @Test
    void rejectNeedsAReportOrConfirmedSyndication() {
        assertEquals("REVIEW_RULE_REJECT_REQUIRES_REPORT", ReviewRules.check(PENDING_REVIEW, REJECTED, 0, 0).orElseThrow().code());
        assertTrue(ReviewRules.check(PENDING_REVIEW, REJECTED, 1, 0).isEmpty());
        assertTrue(ReviewRules.check(PENDING_REVIEW, REJECTED, 0, 1).isEmpty());
    }

    @Test
    void clearNeedsNoActiveReports() {
        assertEquals("REVIEW_RULE_CLEAR_REQUIRES_NO_REPORTS", ReviewRules.check(PENDING_REVIEW, CLEARED, 1, 0).orElseThrow().code());
        assertEquals("REVIEW_RULE_CLEAR_REQUIRES_NO_REPORTS", ReviewRules.check(PENDING_REVIEW, CLEARED, 0, 2).orElseThrow().code());
        assertTrue(ReviewRules.check(PENDING_REVIEW, CLEARED, 0, 0).isEmpty());
    }

    @Test
    void onlyPendingUsersAreReviewed() {
        assertEquals("REVIEW_RULE_NOT_PENDING_REVIEW", ReviewRules.check(CLEARED, REJECTED, 1, 0).orElseThrow().code());
        assertEquals("REVIEW_DECISION_INVALID", ReviewRules.check(PENDING_REVIEW, PENDING_REVIEW, 0, 0).orElseThrow().code());
        assertEquals("REVIEW_DECISION_INVALID", ReviewRules.check(PENDING_REVIEW, null, 0, 0).orElseThrow().code());
    }
}
