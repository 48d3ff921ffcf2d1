package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** The current decision for one (Item, account). */
@Entity
@Table(name = "account_decision")
@IdClass(AccountDecisionEntity.Key.class)
public class AccountDecisionEntity extends PanacheEntityBase {
    @Id
    @Column(name = "item_id")
    public String itemId;
    @Id
    @Column(name = "account_id")
    public String accountId;
    @Column(name = "decision_id")
    public String decisionId;
    public String outcome;
    @Column(name = "next_step")
    public String nextStep;
    public String method;
    public String reasons;
    public String evidence;
    @Column(name = "policy_version")
    public String policyVersion;
    public String fingerprint;
    @Column(name = "plaid_request_id")
    public String plaidRequestId;
    @Column(name = "decided_at")
    public Instant decidedAt;

    public static class Key implements Serializable {
        public String itemId;
        public String accountId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(itemId, k.itemId) && Objects.equals(accountId, k.accountId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(itemId, accountId);
        }
    }
}
