package dev.tartan.beacon.review;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** From a user's entering pending_review to its leaving it; its id is the fraud-review command's review_id. */
@Entity
@Table(name = "review_episode")
public class ReviewEpisodeEntity extends PanacheEntityBase {

    @Id
    public String id;

    @Column(name = "beacon_user_id", nullable = false)
    public String beaconUserId;

    @Column(name = "opened_at", nullable = false)
    public Instant openedAt;

    @Column(name = "closed_at")
    public Instant closedAt;

    @Column(name = "outcome")
    public String outcome;

    /** JSON evidence (no PII), as sent with the command and completed by later syndication/duplicate webhooks. */
    @Column(name = "evidence", nullable = false)
    public String evidence;

    public static Uni<ReviewEpisodeEntity> openFor(String beaconUserId) {
        return find("beaconUserId = ?1 and closedAt is null", beaconUserId).firstResult();
    }

    public static Uni<List<ReviewEpisodeEntity>> forUser(String beaconUserId) {
        return list("beaconUserId = ?1 order by openedAt", beaconUserId);
    }
}
