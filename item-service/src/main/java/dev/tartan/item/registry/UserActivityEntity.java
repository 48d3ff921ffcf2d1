package dev.tartan.item.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** The latest activity of a user (for the inactivity rule). */
@Entity
@Table(name = "user_activity")
public class UserActivityEntity extends PanacheEntityBase {
    @Id
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "last_active_at")
    public Instant lastActiveAt;
    @Column(name = "last_kind")
    public String lastKind;
}
