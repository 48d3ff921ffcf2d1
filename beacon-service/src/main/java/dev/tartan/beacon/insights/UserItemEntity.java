package dev.tartan.beacon.insights;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** An Item of an end user, learned from {@code item.linked}. */
@Entity
@Table(name = "user_item")
public class UserItemEntity extends PanacheEntityBase {

    @Id
    @Column(name = "item_id")
    public String itemId;

    @Column(name = "client_user_id", nullable = false)
    public String clientUserId;

    @Column(name = "beacon_product", nullable = false)
    public boolean beaconProduct;

    @Column(name = "associated_at")
    public Instant associatedAt;

    @Column(name = "insights")
    public String insights;

    @Column(name = "linked_at", nullable = false)
    public Instant linkedAt;

    public static Uni<List<UserItemEntity>> forUser(String clientUserId) {
        return list("clientUserId = ?1 order by linkedAt", clientUserId);
    }
}
