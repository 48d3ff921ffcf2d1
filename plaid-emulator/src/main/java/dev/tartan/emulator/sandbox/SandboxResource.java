package dev.tartan.emulator.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.institution.Institution;
import dev.tartan.emulator.institution.Institutions;
import dev.tartan.emulator.institution.SandboxAccounts;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemFactory;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.link.LinkUrls;
import dev.tartan.emulator.link.PlaidEnums;
import dev.tartan.emulator.user.TestUser;
import dev.tartan.emulator.user.TestUsers;
import dev.tartan.emulator.webhook.ItemEvents;
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

import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /sandbox/public_token/create}, {@code /sandbox/item/reset_login}, {@code /sandbox/item/fire_webhook}. */
@Path("/sandbox")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class SandboxResource {
    private static final Logger LOG = Logger.getLogger(SandboxResource.class);

    /** Codes {@code /sandbox/item/fire_webhook} accepts, with the type each belongs to when none is given. */
    private static final Map<String, String> DEFAULT_TYPE = Map.ofEntries(
            Map.entry("DEFAULT_UPDATE", "TRANSACTIONS"),
            Map.entry("NEW_ACCOUNTS_AVAILABLE", "ITEM"),
            Map.entry("SMS_MICRODEPOSITS_VERIFICATION", "AUTH"),
            Map.entry("USER_PERMISSION_REVOKED", "ITEM"),
            Map.entry("USER_ACCOUNT_REVOKED", "ITEM"),
            Map.entry("PENDING_DISCONNECT", "ITEM"),
            Map.entry("LOGIN_REPAIRED", "ITEM"),
            Map.entry("RECURRING_TRANSACTIONS_UPDATE", "TRANSACTIONS"),
            Map.entry("SYNC_UPDATES_AVAILABLE", "TRANSACTIONS"),
            Map.entry("PRODUCT_READY", "ASSETS"),
            Map.entry("ERROR", "ASSETS"));

    /** Types a code may be fired with (DEFAULT_UPDATE: TRANSACTIONS, AUTH, or IDENTITY per Plaid's description). */
    private static final Map<String, Set<String>> ALLOWED_TYPES = Map.of(
            "DEFAULT_UPDATE", Set.of("TRANSACTIONS", "AUTH", "IDENTITY"));

    private static final Set<String> WEBHOOK_TYPES = Set.of("AUTH", "HOLDINGS", "INVESTMENTS_TRANSACTIONS", "ITEM",
            "LIABILITIES", "TRANSACTIONS", "ASSETS", "IDENTITY");

    private final PlaidGate gate;
    private final ItemStore items;
    private final ItemFactory factory;
    private final TestUsers users;
    private final Webhooks webhooks;
    private final ItemEvents itemEvents;

    public SandboxResource(PlaidGate gate, ItemStore items, ItemFactory factory, TestUsers users, Webhooks webhooks,
                           ItemEvents itemEvents) {
        this.gate = gate;
        this.items = items;
        this.factory = factory;
        this.users = users;
        this.webhooks = webhooks;
        this.itemEvents = itemEvents;
    }

    @POST
    @Path("/public_token/create")
    public Map<String, Object> publicTokenCreate(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/sandbox/public_token/create", headers, body)
                .require("institution_id", "initial_products");
        String institutionId = req.str("institution_id");
        Institution institution = Institutions.find(institutionId)
                .orElseThrow(() -> PlaidErrors.invalidInstitution(institutionId));
        List<String> products = req.strings("initial_products");
        if (products.isEmpty()) {
            throw PlaidErrors.invalidField("initial_products must contain at least one product");
        }
        for (String p : products) {
            if (!PlaidEnums.PRODUCTS.contains(p) || "balance".equals(p)) {
                throw PlaidErrors.invalidProduct("invalid product " + p + " in initial_products");
            }
        }
        JsonNode options = req.node("options");
        String webhook = PlaidRequest.text(options, "webhook");
        if (webhook != null) {
            LinkUrls.check(webhook);
        }
        TestUser user = users.login(PlaidRequest.text(options, "override_username"),
                PlaidRequest.text(options, "override_password"));
        Item item = factory.create(institution, user,
                user.accounts() != null ? user.accounts() : SandboxAccounts.defaults(), products, List.of(), webhook,
                products.contains("auth") ? "INSTANT_AUTH" : null, false, true, null);
        String publicToken = factory.issuePublicToken(item);
        LOG.infof("request_id=%s sandbox item_id=%s at %s for %s", req.requestId(), item.itemId(), institutionId,
                user.username());
        return Json.obj("public_token", publicToken, "request_id", req.requestId());
    }

    @POST
    @Path("/item/reset_login")
    public Map<String, Object> resetLogin(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/sandbox/item/reset_login", headers, body).require("access_token");
        Item item = items.byAccessToken(req.str("access_token"));
        itemEvents.loginRequired(item);
        LOG.infof("request_id=%s item_id=%s reset to ITEM_LOGIN_REQUIRED", req.requestId(), item.itemId());
        return Json.obj("reset_login", true, "request_id", req.requestId());
    }

    @POST
    @Path("/item/fire_webhook")
    public Map<String, Object> fireWebhook(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/sandbox/item/fire_webhook", headers, body)
                .require("access_token", "webhook_code");
        String code = req.str("webhook_code");
        if (!DEFAULT_TYPE.containsKey(code)) {
            throw PlaidErrors.invalidField("webhook_code must be one of " + DEFAULT_TYPE.keySet());
        }
        String type = req.optStr("webhook_type").orElse(DEFAULT_TYPE.get(code));
        if (!WEBHOOK_TYPES.contains(type)) {
            throw PlaidErrors.invalidField("webhook_type must be one of " + WEBHOOK_TYPES);
        }
        if (!ALLOWED_TYPES.getOrDefault(code, Set.of(DEFAULT_TYPE.get(code))).contains(type)) {
            throw PlaidErrors.invalidField("webhook_code " + code + " cannot be fired with webhook_type " + type);
        }
        Item item = items.byAccessToken(req.str("access_token"));
        String product = switch (type) {
            case "TRANSACTIONS" -> "transactions";
            case "AUTH" -> "auth";
            case "ASSETS" -> "assets";
            case "IDENTITY" -> "identity";
            case "LIABILITIES" -> "liabilities";
            case "HOLDINGS", "INVESTMENTS_TRANSACTIONS" -> "investments";
            default -> null;
        };
        if (product != null && !item.hasProduct(product)) {
            throw PlaidErrors.sandboxProductNotEnabled("the Item does not have the " + product + " product, "
                    + "needed to fire " + type + ": " + code);
        }
        if (webhooks.urlFor(item).isEmpty()) {
            throw PlaidErrors.sandboxWebhookInvalid();
        }
        itemEvents.fire(item, type, code, Map.of());
        return Json.obj("webhook_fired", true, "request_id", req.requestId());
    }
}
