package dev.tartan.emulator.item;

import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.link.PlaidEnums;
import dev.tartan.emulator.webhook.WebhookPayloads;
import dev.tartan.emulator.webhook.Webhooks;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.Map;

/** {@code /item/public_token/exchange}, {@code /item/get}, {@code /item/remove}, {@code /item/webhook/update}. */
@Path("/item")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class ItemResource {
    private static final Logger LOG = Logger.getLogger(ItemResource.class);

    private final PlaidGate gate;
    private final ItemStore items;
    private final Webhooks webhooks;

    public ItemResource(PlaidGate gate, ItemStore items, Webhooks webhooks) {
        this.gate = gate;
        this.items = items;
        this.webhooks = webhooks;
    }

    @POST
    @Path("/public_token/exchange")
    public Map<String, Object> exchange(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/item/public_token/exchange", headers, body).require("public_token");
        Item item = items.exchange(req.str("public_token"), Instant.now());
        LOG.infof("request_id=%s exchanged public token for item_id=%s", req.requestId(), item.itemId());
        return Json.obj("access_token", item.accessToken(), "item_id", item.itemId(), "request_id", req.requestId());
    }

    @POST
    @Path("/get")
    public Map<String, Object> get(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/item/get", headers, body).require("access_token");
        Item item = items.byAccessToken(req.str("access_token"));
        Map<String, Object> status = Json.obj(
                "investments", null,
                "transactions", Json.obj("last_successful_update", null, "last_failed_update", null),
                "last_webhook", item.lastWebhookSentAt() == null ? null : Json.obj(
                        "sent_at", Json.time(item.lastWebhookSentAt()), "code_sent", item.lastWebhookCode()));
        return Json.obj("item", ItemViews.itemWithConsent(item), "status", status, "request_id", req.requestId());
    }

    @POST
    @Path("/remove")
    public Map<String, Object> remove(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/item/remove", headers, body).require("access_token");
        String reason = req.optStr("reason_code").orElse(null);
        if (reason != null && !PlaidEnums.ITEM_REMOVE_REASONS.contains(reason)) {
            throw PlaidErrors.invalidField("reason_code must be one of " + PlaidEnums.ITEM_REMOVE_REASONS);
        }
        String note = req.optStr("reason_note").orElse(null);
        if (note != null && note.length() > 512) {
            throw PlaidErrors.invalidField("reason_note must be at most 512 characters");
        }
        Item item = items.byAccessToken(req.str("access_token"));
        item.markRemoved(Instant.now());
        LOG.infof("request_id=%s removed item_id=%s reason=%s", req.requestId(), item.itemId(), reason);
        return Json.obj("request_id", req.requestId());
    }

    @POST
    @Path("/webhook/update")
    public Map<String, Object> webhookUpdate(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/item/webhook/update", headers, body).require("access_token");
        Item item = items.byAccessToken(req.str("access_token"));
        String url = req.optStr("webhook").orElse(null);
        if (url != null) {
            dev.tartan.emulator.link.LinkUrls.check(url);
        }
        item.webhook(url);
        if (url != null) {
            webhooks.toItem(item, WebhookPayloads.forItem("ITEM", "WEBHOOK_UPDATE_ACKNOWLEDGED", item,
                    webhooks.environment()));
        }
        return Json.obj("item", ItemViews.item(item), "request_id", req.requestId());
    }
}
