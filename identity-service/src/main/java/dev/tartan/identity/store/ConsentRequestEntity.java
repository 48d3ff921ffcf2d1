package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An Identity consent request sent for an Item (one open per Item). */
@Entity
@Table(name = "consent_request")
public class ConsentRequestEntity extends PanacheEntityBase {
    @Id
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "relink_id")
    public String relinkId;
    public String cause;
    @Column(name = "requested_at")
    public Instant requestedAt;
}
