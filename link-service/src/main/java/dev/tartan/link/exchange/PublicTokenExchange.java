package dev.tartan.link.exchange;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A public token already exchanged, by hash (table {@code public_token_exchange}). */
@Entity
@Table(name = "public_token_exchange")
public class PublicTokenExchange extends PanacheEntityBase {
    @Id
    @Column(name = "public_token_sha256")
    public String publicTokenSha256;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "link_session_id")
    public String linkSessionId;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "exchanged_at")
    public Instant exchangedAt;
}
