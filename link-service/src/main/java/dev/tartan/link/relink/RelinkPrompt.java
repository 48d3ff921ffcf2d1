package dev.tartan.link.relink;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A re-link episode item-service asked the user for (table {@code relink_prompt}). */
@Entity
@Table(name = "relink_prompt")
public class RelinkPrompt extends PanacheEntityBase {
    @Id
    @Column(name = "relink_id")
    public String relinkId;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "institution_id")
    public String institutionId;
    @Column(name = "institution_name")
    public String institutionName;
    public String mode;
    public String reason;
    @Column(name = "error_code")
    public String errorCode;
    public Instant deadline;
    /** JSON array (PRODUCT_CONSENT). */
    public String products;
    @Column(name = "requested_at")
    public Instant requestedAt;
    public int reminders;
    @Column(name = "last_reminded_at")
    public Instant lastRemindedAt;
    @Column(name = "update_completed_at")
    public Instant updateCompletedAt;
    @Column(name = "resolved_at")
    public Instant resolvedAt;
    @Column(name = "resolved_by")
    public String resolvedBy;

    public boolean open() {
        return resolvedAt == null;
    }
}
