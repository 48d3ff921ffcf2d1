package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An Item identity-service verifies (from item.linked). */
@Entity
@Table(name = "identity_item")
public class IdentityItemEntity extends PanacheEntityBase {
    public static final String ACTIVE = "ACTIVE";
    public static final String REMOVED = "REMOVED";

    @Id
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "institution_id")
    public String institutionId;
    @Column(name = "token_key_id")
    public String tokenKeyId;
    @Column(name = "token_ciphertext")
    public String tokenCiphertext;
    @Column(name = "identity_consented")
    public boolean identityConsented;
    @Column(name = "auth_consented")
    public boolean authConsented;
    /** JSON array of account ids. */
    @Column(name = "account_ids")
    public String accountIds;
    public String status;
    @Column(name = "awaiting_profile")
    public boolean awaitingProfile;
    @Column(name = "linked_at")
    public Instant linkedAt;
    @Column(name = "removed_at")
    public Instant removedAt;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
