package dev.tartan.link.token;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A Link token issued: by hash, with its purpose and expiry (table {@code link_token}). */
@Entity
@Table(name = "link_token")
public class LinkTokenRecord extends PanacheEntityBase {
    @Id
    @Column(name = "token_sha256")
    public String tokenSha256;
    @Column(name = "client_user_id")
    public String clientUserId;
    public String purpose;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "update_mode")
    public String updateMode;
    @Column(name = "account_selection_enabled")
    public boolean accountSelectionEnabled;
    /** JSON: the four product arrays. */
    public String products;
    @Column(name = "country_codes")
    public String countryCodes;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "expires_at")
    public Instant expiresAt;
}
