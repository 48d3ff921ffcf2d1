package dev.tartan.beacon.review;

import dev.tartan.beacon.user.BeaconStatus;

import java.util.Optional;

/**
 * Plaid's rules for {@code /beacon/user/review} (REFERENCE 3.11), checked before the call so the fraud team
 * gets a clear refusal naming the rule instead of a Plaid error:
 * <ul>
 *   <li>the fraud team decides on {@code pending_review} users only (Tartan's own rule: a review closes an episode);</li>
 *   <li>{@code rejected} requires an existing report or a confirmed syndication;</li>
 *   <li>{@code cleared} requires no active reports and no confirmed syndications (delete reports first);</li>
 *   <li>{@code pending_review} is always allowed by Plaid, but it is not a decision, so the API does not offer it.</li>
 * </ul>
 */
public final class ReviewRules {

    /** A refused review, with a stable code for the API's 409. */
    public record Violation(String code, String message) {
    }

    private ReviewRules() {
    }

    public static Optional<Violation> check(BeaconStatus current, BeaconStatus decision, long activeReports,
                                            long confirmedSyndications) {
        if (decision == null || decision == BeaconStatus.PENDING_REVIEW) {
            return Optional.of(new Violation("REVIEW_DECISION_INVALID",
                    "a review decision is 'cleared' or 'rejected'"));
        }
        if (current != BeaconStatus.PENDING_REVIEW) {
            return Optional.of(new Violation("REVIEW_RULE_NOT_PENDING_REVIEW",
                    "only a pending_review user can be reviewed; this user is " + (current == null ? "unknown" : current.wire())));
        }
        if (decision == BeaconStatus.REJECTED && activeReports == 0 && confirmedSyndications == 0) {
            return Optional.of(new Violation("REVIEW_RULE_REJECT_REQUIRES_REPORT",
                    "Plaid rule: rejecting a Beacon user requires an existing fraud report or a confirmed report "
                            + "syndication; report the fraud first (POST /beacon/users/{client_user_id}/reports)"));
        }
        if (decision == BeaconStatus.CLEARED && (activeReports > 0 || confirmedSyndications > 0)) {
            return Optional.of(new Violation("REVIEW_RULE_CLEAR_REQUIRES_NO_REPORTS",
                    "Plaid rule: clearing a Beacon user requires no active fraud reports and no confirmed report "
                            + "syndications; this user has " + activeReports + " active report(s) and "
                            + confirmedSyndications + " confirmed syndication(s)"));
        }
        return Optional.empty();
    }
}
