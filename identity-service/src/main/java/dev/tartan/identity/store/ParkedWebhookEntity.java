package dev.tartan.identity.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A webhook for an Item not registered yet (its item.linked is still on the way). Holds no PII: Plaid webhook bodies carry ids and codes. */
@Entity
@Table(name = "parked_webhook")
public class ParkedWebhookEntity extends PanacheEntityBase {
    @Id
    @Column(name = "message_id")
    public String messageId;
    @Column(name = "item_id")
    public String itemId;
    public String envelope;
    @Column(name = "parked_at")
    public Instant parkedAt;
}
