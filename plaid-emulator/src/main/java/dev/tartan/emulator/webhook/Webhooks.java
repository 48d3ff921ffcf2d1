package dev.tartan.emulator.webhook;

import dev.tartan.emulator.config.EmulatorConfig;
import dev.tartan.emulator.item.Item;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.Optional;

/**
 * Decides where a webhook goes and hands it to the dispatcher: Item webhooks to the Item's URL (else the configured
 * default URL), Link webhooks to the Link token's URL, Beacon webhooks to the default URL (Plaid configures those in
 * its Dashboard). With no URL at all nothing is sent, as at Plaid.
 */
@ApplicationScoped
public class Webhooks {
    private static final Logger LOG = Logger.getLogger(Webhooks.class);

    private final EmulatorConfig config;
    private final WebhookDispatcher dispatcher;
    /** Runtime override of the configured default URL ({@code POST /emulator/webhooks/default-url}). */
    private final java.util.concurrent.atomic.AtomicReference<String> defaultUrlOverride =
            new java.util.concurrent.atomic.AtomicReference<>();

    public Webhooks(EmulatorConfig config, WebhookDispatcher dispatcher) {
        this.config = config;
        this.dispatcher = dispatcher;
    }

    public String environment() {
        return config.environment();
    }

    public Optional<String> defaultUrl() {
        String override = defaultUrlOverride.get();
        if (override != null) {
            return Optional.of(override);
        }
        return config.webhook().defaultUrl().filter(u -> !u.isBlank());
    }

    /** Replaces the default URL until {@link #clearDefaultUrlOverride()} (null: back to the configured one). */
    public void overrideDefaultUrl(String url) {
        defaultUrlOverride.set(url);
    }

    public void clearDefaultUrlOverride() {
        defaultUrlOverride.set(null);
    }

    public Optional<String> urlFor(Item item) {
        String own = item.webhook();
        return own != null && !own.isBlank() ? Optional.of(own) : defaultUrl();
    }

    /** Sends an Item-scoped webhook and records it as the Item's {@code status.last_webhook}. */
    public Optional<WebhookDelivery> toItem(Item item, Map<String, Object> body) {
        Optional<String> url = urlFor(item);
        if (url.isEmpty()) {
            LOG.infof("no webhook URL for item_id=%s; %s/%s not sent", item.itemId(), body.get("webhook_type"),
                    body.get("webhook_code"));
            return Optional.empty();
        }
        WebhookDelivery delivery = dispatcher.send(url.get(), body, item.itemId());
        item.lastWebhook(delivery.createdAt(), String.valueOf(body.get("webhook_code")));
        return Optional.of(delivery);
    }

    /** Sends to an explicit URL (Link token webhook), falling back to the default URL when none is given. */
    public Optional<WebhookDelivery> toUrl(String url, Map<String, Object> body, String itemId) {
        Optional<String> target = url != null && !url.isBlank() ? Optional.of(url) : defaultUrl();
        if (target.isEmpty()) {
            LOG.debugf("no webhook URL; %s/%s not sent", body.get("webhook_type"), body.get("webhook_code"));
            return Optional.empty();
        }
        return Optional.of(dispatcher.send(target.get(), body, itemId));
    }

    /** Sends a non-Item webhook (Beacon) to the default URL. */
    public Optional<WebhookDelivery> toDefault(Map<String, Object> body) {
        return toUrl(null, body, null);
    }
}
