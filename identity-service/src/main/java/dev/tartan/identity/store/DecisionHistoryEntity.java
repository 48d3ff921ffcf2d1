package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Every decision made, kept to explain it later. */
@Entity
@Table(name = "decision_history")
public class DecisionHistoryEntity extends PanacheEntityBase {
    @Id
    @Column(name = "decision_id")
    public String decisionId;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "account_id")
    public String accountId;
    public String outcome;
    @Column(name = "next_step")
    public String nextStep;
    public String method;
    public String reasons;
    public String evidence;
    @Column(name = "policy_version")
    public String policyVersion;
    @Column(name = "plaid_request_id")
    public String plaidRequestId;
    public String cause;
    @Column(name = "decided_at")
    public Instant decidedAt;
}
