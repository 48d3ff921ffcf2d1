package dev.tartan.beacon.user;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;

import java.time.Instant;

/** A Beacon user as this service holds it; the user data only as ciphertext. */
@Entity
@Table(name = "beacon_user")
public class BeaconUserEntity extends PanacheEntityBase {

    @Id
    @Column(name = "beacon_user_id")
    public String beaconUserId;

    @Column(name = "client_user_id", nullable = false, unique = true)
    public String clientUserId;

    @Column(name = "program_id", nullable = false)
    public String programId;

    @Column(name = "status", nullable = false)
    public String status;

    @Column(name = "plaid_version", nullable = false)
    public int plaidVersion;

    @Column(name = "plaid_updated_at")
    public Instant plaidUpdatedAt;

    @Column(name = "pii_key_id")
    public String piiKeyId;

    @Column(name = "pii_ciphertext")
    public String piiCiphertext;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public BeaconStatus beaconStatus() {
        return BeaconStatus.fromWire(status);
    }

    public static Uni<BeaconUserEntity> findByClientUserId(String clientUserId) {
        return find("clientUserId", clientUserId).firstResult();
    }

    public static Uni<BeaconUserEntity> lockById(String beaconUserId) {
        return findById(beaconUserId, LockModeType.PESSIMISTIC_WRITE);
    }

    @Override
    public String toString() {
        return "BeaconUser[" + beaconUserId + ", " + status + "]";
    }
}
