package dev.tartan.beacon.screening;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** Two of our Beacon users that share identifying data, with Plaid's analysis (no PII). */
@Entity
@Table(name = "beacon_duplicate")
public class DuplicateEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "beacon_user1_id", nullable = false)
    public String beaconUser1Id;

    @Column(name = "beacon_user2_id", nullable = false)
    public String beaconUser2Id;

    @Column(name = "analysis", nullable = false)
    public String analysis;

    @Column(name = "fetched_at", nullable = false)
    public Instant fetchedAt;

    public static Uni<List<DuplicateEntity>> forUser(String beaconUserId) {
        return list("beaconUser1Id = ?1 or beaconUser2Id = ?1 order by fetchedAt", beaconUserId);
    }
}
