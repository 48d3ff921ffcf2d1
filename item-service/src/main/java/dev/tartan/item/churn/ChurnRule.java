package dev.tartan.item.churn;

import dev.tartan.contracts.churn.RemovalReason;

/**
 * The handbook's churn rules, each one index range over Items not yet selected for removal
 * (see {@code V1__items.sql}: item_churn_error, item_churn_reminders, item_churn_inactive).
 */
public enum ChurnRule {
    /** In error for longer than {@code tartan.item.churn.unresolved-error}. */
    UNRESOLVED_ERROR(RemovalReason.UNRESOLVED_ERROR,
            "error_since IS NOT NULL AND error_since < ?1", "error_since"),
    /** {@code tartan.item.churn.unanswered-reminders} re-link reminders without an answer. */
    UNANSWERED_REMINDERS(RemovalReason.UNANSWERED_REMINDERS,
            "relink_id IS NOT NULL AND relink_reminders >= ?1", "relink_reminders DESC"),
    /** The user was not active for {@code tartan.item.churn.inactivity}. */
    INACTIVITY(RemovalReason.INACTIVITY,
            "last_activity_at < ?1", "last_activity_at");

    private final RemovalReason reason;
    private final String predicate;
    private final String order;

    ChurnRule(RemovalReason reason, String predicate, String order) {
        this.reason = reason;
        this.predicate = predicate;
        this.order = order;
    }

    public RemovalReason reason() {
        return reason;
    }

    /** Selects a batch: item_id, client_user_id, billed_products; locked, skipping rows others hold. */
    public String selectSql() {
        return "SELECT item_id, client_user_id, billed_products FROM item WHERE removal_id IS NULL AND " + predicate
                + " ORDER BY " + order + " LIMIT ?2 FOR UPDATE SKIP LOCKED";
    }
}
