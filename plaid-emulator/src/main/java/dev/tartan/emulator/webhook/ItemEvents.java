package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.item.Item;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Item-scoped webhooks together with the Item state they announce, so {@code /item/get} agrees with what was sent
 * (an ITEM ERROR leaves the Item in that error; LOGIN_REPAIRED clears it; USER_PERMISSION_REVOKED sets it).
 */
@ApplicationScoped
public class ItemEvents {
    private final Webhooks webhooks;

    public ItemEvents(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** {@code /sandbox/item/reset_login}: ITEM_LOGIN_REQUIRED plus ITEM ERROR. */
    public Optional<WebhookDelivery> loginRequired(Item item) {
        PlaidException error = PlaidErrors.itemLoginRequired();
        item.error(error);
        return webhooks.toItem(item, WebhookPayloads.itemError(item, error, webhooks.environment()));
    }

    /**
     * Fires {@code type}/{@code code} for {@code item} with {@code extra} fields merged over the defaults, and applies
     * the state change the webhook announces.
     */
    public Optional<WebhookDelivery> fire(Item item, String type, String code, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(WebhookPayloads.forItem(type, code, item,
                webhooks.environment()));
        body.putAll(extra);
        applyState(item, type, code, body);
        return webhooks.toItem(item, body);
    }

    @SuppressWarnings("unchecked")
    private static void applyState(Item item, String type, String code, Map<String, Object> body) {
        if (!"ITEM".equals(type)) {
            return;
        }
        switch (code) {
            case "ERROR", "USER_PERMISSION_REVOKED" -> {
                Object error = body.get("error");
                if (error instanceof Map<?, ?> map) {
                    Map<String, Object> e = (Map<String, Object>) map;
                    item.error(new PlaidException(400, String.valueOf(e.getOrDefault("error_type", "ITEM_ERROR")),
                            String.valueOf(e.get("error_code")), String.valueOf(e.get("error_message")),
                            (String) e.get("display_message")));
                }
            }
            case "LOGIN_REPAIRED" -> item.error(null);
            default -> {
            }
        }
    }
}
