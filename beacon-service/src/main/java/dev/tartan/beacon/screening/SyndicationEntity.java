package dev.tartan.beacon.screening;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A network fraud report matched to one of our users, with Plaid's match analysis (no PII). */
@Entity
@Table(name = "beacon_syndication")
public class SyndicationEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "beacon_user_id", nullable = false)
    public String beaconUserId;

    @Column(name = "report_type")
    public String reportType;

    @Column(name = "fraud_date")
    public LocalDate fraudDate;

    @Column(name = "analysis", nullable = false)
    public String analysis;

    @Column(name = "confirmed", nullable = false)
    public boolean confirmed;

    @Column(name = "fetched_at", nullable = false)
    public Instant fetchedAt;

    public static Uni<List<SyndicationEntity>> forUser(String beaconUserId) {
        return list("beaconUserId = ?1 order by fetchedAt", beaconUserId);
    }

    public static Uni<Long> countConfirmed(String beaconUserId) {
        return count("beaconUserId = ?1 and confirmed = true", beaconUserId);
    }
}
