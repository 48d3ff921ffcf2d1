package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A sealed KYC profile (see {@link dev.tartan.identity.profile.ProfileSealer}). */
@Entity
@Table(name = "identity_profile")
public class ProfileEntity extends PanacheEntityBase {
    @Id
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "key_id")
    public String keyId;
    public String ciphertext;
    public String fields;
    @Column(name = "updated_at")
    public Instant updatedAt;
}
