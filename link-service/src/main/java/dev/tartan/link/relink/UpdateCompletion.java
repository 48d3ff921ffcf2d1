package dev.tartan.link.relink;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An update-mode session reported complete (table {@code update_completion}). */
@Entity
@Table(name = "update_completion")
public class UpdateCompletion extends PanacheEntityBase {
    @Id
    @Column(name = "completion_key")
    public String completionKey;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "link_session_id")
    public String linkSessionId;
    public String mode;
    @Column(name = "completed_at")
    public Instant completedAt;
}
