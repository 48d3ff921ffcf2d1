package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A fraud review identity-service requested, and its outcome once an operator records it. */
@Entity
@Table(name = "fraud_review")
public class FraudReviewEntity extends PanacheEntityBase {
    public static final String OPEN = "OPEN";

    @Id
    @Column(name = "review_id")
    public String reviewId;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "account_id")
    public String accountId;
    @Column(name = "client_user_id")
    public String clientUserId;
    public String reason;
    @Column(name = "decision_id")
    public String decisionId;
    public String status;
    public String reviewer;
    public String note;
    @Column(name = "requested_at")
    public Instant requestedAt;
    @Column(name = "resolved_at")
    public Instant resolvedAt;
}
