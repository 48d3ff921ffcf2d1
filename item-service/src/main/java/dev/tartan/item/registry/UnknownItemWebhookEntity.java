package dev.tartan.item.registry;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A webhook for an Item not registered yet, kept until {@code item.linked} arrives or retention ends. */
@Entity
@Table(name = "unknown_item_webhook")
public class UnknownItemWebhookEntity extends PanacheEntityBase {
    @Id
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "item_id")
    public String itemId;
    @Column(name = "webhook_code")
    public String webhookCode;
    @Column(name = "envelope")
    public String envelope;
    @Column(name = "received_at")
    public Instant receivedAt;
    @Column(name = "stored_at")
    public Instant storedAt;
}
