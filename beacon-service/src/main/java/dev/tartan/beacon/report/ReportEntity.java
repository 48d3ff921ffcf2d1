package dev.tartan.beacon.report;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** A fraud report on one of our users. */
@Entity
@Table(name = "beacon_report")
public class ReportEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "beacon_user_id", nullable = false)
    public String beaconUserId;

    @Column(name = "type", nullable = false)
    public String type;

    @Column(name = "fraud_date")
    public LocalDate fraudDate;

    @Column(name = "event_date")
    public LocalDate eventDate;

    @Column(name = "amount_value")
    public BigDecimal amountValue;

    @Column(name = "amount_currency")
    public String amountCurrency;

    @Column(name = "active", nullable = false)
    public boolean active;

    @Column(name = "source", nullable = false)
    public String source;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    public static Uni<List<ReportEntity>> forUser(String beaconUserId) {
        return list("beaconUserId = ?1 order by createdAt", beaconUserId);
    }

    public static Uni<Long> countActive(String beaconUserId) {
        return count("beaconUserId = ?1 and active = true", beaconUserId);
    }
}
