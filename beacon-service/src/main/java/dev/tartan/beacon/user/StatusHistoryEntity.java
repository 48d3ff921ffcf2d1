package dev.tartan.beacon.user;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** One observed status of a Beacon user. */
@Entity
@Table(name = "beacon_status_history")
public class StatusHistoryEntity extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "beacon_user_id", nullable = false)
    public String beaconUserId;

    @Column(name = "status", nullable = false)
    public String status;

    @Column(name = "previous_status")
    public String previousStatus;

    @Column(name = "plaid_version", nullable = false)
    public int plaidVersion;

    @Column(name = "plaid_updated_at")
    public Instant plaidUpdatedAt;

    @Column(name = "cause", nullable = false)
    public String cause;

    @Column(name = "audit_source")
    public String auditSource;

    @Column(name = "plaid_request_id")
    public String plaidRequestId;

    @Column(name = "observed_at", nullable = false)
    public Instant observedAt;

    public static Uni<List<StatusHistoryEntity>> forUser(String beaconUserId) {
        return list("beaconUserId = ?1 order by id", beaconUserId);
    }
}
