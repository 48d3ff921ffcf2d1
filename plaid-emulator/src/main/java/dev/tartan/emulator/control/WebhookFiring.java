package dev.tartan.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.link.LinkToken;
import dev.tartan.emulator.link.LinkTokenStore;
import dev.tartan.emulator.webhook.ItemEvents;
import dev.tartan.emulator.webhook.WebhookDelivery;
import dev.tartan.emulator.webhook.WebhookDispatcher;
import dev.tartan.emulator.webhook.WebhookPayloads;
import dev.tartan.emulator.webhook.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code POST /emulator/webhooks/fire}: any type/code of REFERENCE §2, for an Item ({@code item_id}), a Beacon object
 * (its id field) or a Link token ({@code link_token}), with {@code fields} merged over the default body. An explicit
 * {@code url} overrides where it goes.
 */
@ApplicationScoped
public class WebhookFiring {
    private final ItemStore items;
    private final LinkTokenStore linkTokens;
    private final ItemEvents itemEvents;
    private final Webhooks webhooks;
    private final WebhookDispatcher dispatcher;
    private final ObjectMapper mapper;
    private final Instance<BeaconIdCheck> beaconIds;

    /** Confirms that a Beacon id exists (implemented by the Beacon module). */
    public interface BeaconIdCheck {
        boolean exists(String idField, String id);
    }

    public WebhookFiring(ItemStore items, LinkTokenStore linkTokens, ItemEvents itemEvents, Webhooks webhooks,
                         WebhookDispatcher dispatcher, ObjectMapper mapper, Instance<BeaconIdCheck> beaconIds) {
        this.items = items;
        this.linkTokens = linkTokens;
        this.itemEvents = itemEvents;
        this.webhooks = webhooks;
        this.dispatcher = dispatcher;
        this.mapper = mapper;
        this.beaconIds = beaconIds;
    }

    @SuppressWarnings("unchecked")
    public WebhookDelivery fire(JsonNode req) {
        String code = req.path("webhook_code").asText(null);
        if (code == null) {
            throw ControlException.badRequest("webhook_code is required");
        }
        String type = req.path("webhook_type").asText(null);
        if (type == null) {
            type = inferType(code, req.hasNonNull("item_id"));
        }
        if (!WebhookPayloads.known(type, code)) {
            throw ControlException.badRequest("unknown webhook " + type + "/" + code + "; known: "
                    + WebhookPayloads.CATALOGUE);
        }
        JsonNode fieldsNode = req.get("fields");
        Map<String, Object> fields = fieldsNode == null || fieldsNode.isNull() ? Map.of()
                : mapper.convertValue(fieldsNode, LinkedHashMap.class);
        String url = req.path("url").asText(null);

        if (type.equals("BEACON")) {
            String idField = WebhookPayloads.beaconIdField(code);
            String id = req.path(idField).asText(null);
            if (id == null) {
                throw ControlException.badRequest(type + "/" + code + " needs " + idField);
            }
            if (beaconIds.isResolvable() && !beaconIds.get().exists(idField, id)) {
                throw ControlException.notFound("no Beacon object " + id);
            }
            Map<String, Object> body = new LinkedHashMap<>(WebhookPayloads.beacon(code, id, webhooks.environment()));
            body.putAll(fields);
            return send(url, body, null);
        }
        if (type.equals("LINK")) {
            String tokenValue = req.path("link_token").asText(null);
            if (tokenValue == null) {
                throw ControlException.badRequest("LINK webhooks need link_token");
            }
            LinkToken token;
            try {
                token = linkTokens.get(tokenValue);
            } catch (PlaidException e) {
                throw ControlException.from(e);
            }
            String sessionId = token.sessionsSnapshot().isEmpty() ? dev.tartan.emulator.api.Ids.uuid()
                    : token.sessionsSnapshot().get(token.sessionsSnapshot().size() - 1).linkSessionId();
            Map<String, Object> body = Json.obj("webhook_type", "LINK", "webhook_code", code,
                    "link_session_id", sessionId, "link_token", token.token(), "environment", webhooks.environment());
            switch (code) {
                case "EVENTS" -> body.put("events", List.of());
                case "ITEM_ADD_RESULT" -> body.put("public_token", null);
                case "SESSION_FINISHED" -> {
                    body.put("status", "SUCCESS");
                    body.put("public_tokens", List.of());
                }
                default -> {
                }
            }
            body.putAll(fields);
            String target = url != null ? url : token.updateMode()
                    ? items.byId(token.itemId()).map(Item::webhook).orElse(null) : token.webhook();
            return send(target, body, token.itemId());
        }
        String itemId = req.path("item_id").asText(null);
        if (itemId == null) {
            throw ControlException.badRequest(type + " webhooks need item_id");
        }
        Item item = items.byId(itemId).orElseThrow(() -> ControlException.notFound("no item " + itemId));
        if (url != null) {
            Map<String, Object> body = new LinkedHashMap<>(WebhookPayloads.forItem(type, code, item,
                    webhooks.environment()));
            body.putAll(fields);
            return dispatcher.send(url, body, itemId);
        }
        Optional<WebhookDelivery> delivery = itemEvents.fire(item, type, code, fields);
        return delivery.orElseThrow(() -> new ControlException(409, "NO_WEBHOOK_URL",
                "item " + itemId + " has no webhook and no tartan.emulator.webhook.default-url is configured"));
    }

    /** The type of a code that belongs to exactly one type (ITEM ERROR when an item_id is given). */
    private static String inferType(String code, boolean forItem) {
        if (forItem && WebhookPayloads.CATALOGUE.get("ITEM").contains(code)) {
            return "ITEM";
        }
        List<String> types = WebhookPayloads.CATALOGUE.entrySet().stream()
                .filter(e -> e.getValue().contains(code)).map(Map.Entry::getKey).toList();
        if (types.size() != 1) {
            throw ControlException.badRequest("webhook_type is required for " + code + " (one of " + types + ")");
        }
        return types.get(0);
    }

    private WebhookDelivery send(String url, Map<String, Object> body, String itemId) {
        return webhooks.toUrl(url, body, itemId).orElseThrow(() -> new ControlException(409, "NO_WEBHOOK_URL",
                "no url given and no tartan.emulator.webhook.default-url is configured"));
    }
}
