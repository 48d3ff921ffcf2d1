package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One version of the owners /identity/get returned for an account, sealed. */
@Entity
@Table(name = "owner_snapshot")
@IdClass(OwnerSnapshotEntity.Key.class)
public class OwnerSnapshotEntity extends PanacheEntityBase {
    @Id
    @Column(name = "item_id")
    public String itemId;
    @Id
    @Column(name = "account_id")
    public String accountId;
    @Id
    public int version;
    @Column(name = "owners_digest")
    public String ownersDigest;
    @Column(name = "key_id")
    public String keyId;
    public String ciphertext;
    @Column(name = "request_id")
    public String requestId;
    @Column(name = "taken_at")
    public Instant takenAt;

    public static class Key implements Serializable {
        public String itemId;
        public String accountId;
        public int version;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(itemId, k.itemId) && Objects.equals(accountId, k.accountId) && version == k.version;
        }

        @Override
        public int hashCode() {
            return Objects.hash(itemId, accountId, version);
        }
    }
}
