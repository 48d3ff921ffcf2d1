package dev.tartan.link.exchange;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** An Item this service linked (table {@code linked_item}); its access token only as ciphertext. */
@Entity
@Table(name = "linked_item")
public class LinkedItem extends PanacheEntityBase {
    @Id
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "client_user_id")
    public String clientUserId;
    @Column(name = "institution_id")
    public String institutionId;
    @Column(name = "institution_name")
    public String institutionName;
    /** JSON array of LinkedAccount. */
    public String accounts;
    /** JSON: the four product arrays. */
    public String products;
    @Column(name = "token_key_id")
    public String tokenKeyId;
    @Column(name = "token_ciphertext")
    public String tokenCiphertext;
    @Column(name = "link_session_id")
    public String linkSessionId;
    @Column(name = "linked_at")
    public Instant linkedAt;
    @Column(name = "removed_at")
    public Instant removedAt;
}
