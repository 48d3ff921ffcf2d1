package dev.tartan.link.analytics;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A stored Link session event (table {@code link_event}); written with ON CONFLICT DO NOTHING, read as entity. */
@Entity
@Table(name = "link_event")
public class LinkEventRow extends PanacheEntityBase {
    @Id
    @Column(name = "event_key")
    public String eventKey;
    @Column(name = "link_session_id")
    public String linkSessionId;
    public String source;
    @Column(name = "event_name")
    public String eventName;
    @Column(name = "occurred_at")
    public Instant occurredAt;
    @Column(name = "view_name")
    public String viewName;
    @Column(name = "institution_id")
    public String institutionId;
    @Column(name = "institution_name")
    public String institutionName;
    @Column(name = "error_type")
    public String errorType;
    @Column(name = "error_code")
    public String errorCode;
    @Column(name = "exit_status")
    public String exitStatus;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "received_at")
    public Instant receivedAt;

    public LinkEventRecord toRecord() {
        return new LinkEventRecord(linkSessionId, eventName, occurredAt, viewName, institutionId, institutionName, errorType,
                errorCode, exitStatus, requestId);
    }
}
