package dev.tartan.emulator.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.fault.FaultInjector;
import dev.tartan.emulator.fault.FaultRule;
import dev.tartan.emulator.fault.FaultType;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.item.ItemViews;
import dev.tartan.emulator.link.LinkSessionSimulator;
import dev.tartan.emulator.link.LinkTokenStore;
import dev.tartan.emulator.user.DocumentProfile;
import dev.tartan.emulator.user.Owner;
import dev.tartan.emulator.user.TestUser;
import dev.tartan.emulator.user.TestUsers;
import dev.tartan.emulator.webhook.WebhookDelivery;
import dev.tartan.emulator.webhook.WebhookDispatcher;
import dev.tartan.emulator.webhook.WebhookSigner;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The emulator-only control API, under {@code /emulator} so it never collides with Plaid's paths. Tests and local
 * demos use it to reset state, play Link sessions, fire webhooks, rotate keys, inject faults, inspect Items and seed
 * test users. JSON in and out; failures are {@code {"code", "message"}}.
 */
@Path("/emulator")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class ControlResource {
    private static final Logger LOG = Logger.getLogger(ControlResource.class);

    private final ObjectMapper mapper;
    private final ItemStore items;
    private final LinkTokenStore linkTokens;
    private final LinkSessionSimulator linkSessions;
    private final WebhookDispatcher dispatcher;
    private final WebhookSigner signer;
    private final FaultInjector faults;
    private final TestUsers users;
    private final WebhookFiring firing;
    private final dev.tartan.emulator.webhook.Webhooks webhooks;
    private final java.util.List<Resettable> resettables;

    public ControlResource(ObjectMapper mapper, ItemStore items, LinkTokenStore linkTokens,
                           LinkSessionSimulator linkSessions, WebhookDispatcher dispatcher, WebhookSigner signer,
                           FaultInjector faults, TestUsers users, WebhookFiring firing,
                           dev.tartan.emulator.webhook.Webhooks webhooks,
                           jakarta.enterprise.inject.Instance<Resettable> resettables) {
        this.mapper = mapper;
        this.items = items;
        this.linkTokens = linkTokens;
        this.linkSessions = linkSessions;
        this.dispatcher = dispatcher;
        this.signer = signer;
        this.faults = faults;
        this.users = users;
        this.firing = firing;
        this.webhooks = webhooks;
        this.resettables = resettables.stream().toList();
    }

    /** Clears all state: Items, tokens, sessions, Beacon data, deliveries (pending retries cancelled), faults, users. */
    @POST
    @Path("/reset")
    public Map<String, Object> reset(String body) {
        JsonNode req = parse(body);
        dispatcher.clear();
        items.clear();
        linkTokens.clear();
        faults.clear();
        users.reset();
        webhooks.clearDefaultUrlOverride();
        resettables.forEach(Resettable::reset);
        boolean keys = req.path("keys").asBoolean(false);
        if (keys) {
            signer.resetKeys();
        }
        LOG.info("emulator state reset" + (keys ? " (keys regenerated)" : ""));
        return Json.obj("reset", true, "keys_reset", keys, "current_kid", signer.currentKey().kid());
    }

    @POST
    @Path("/link/sessions")
    public Map<String, Object> linkSession(String body) {
        return linkSessions.simulate(parse(body));
    }

    @POST
    @Path("/webhooks/fire")
    public Map<String, Object> fire(String body) {
        WebhookDelivery delivery = firing.fire(parse(body));
        return Json.obj("delivery_id", delivery.id(), "url", delivery.url(), "body", delivery.body());
    }

    /**
     * Sets the default webhook URL at run time (Beacon webhooks, Items without a webhook); {@code {"url": null}}
     * returns to {@code tartan.emulator.webhook.default-url}. Reset also returns to the configured value.
     */
    @POST
    @Path("/webhooks/default-url")
    public Map<String, Object> defaultUrl(String body) {
        JsonNode req = parse(body);
        String url = req.hasNonNull("url") ? req.get("url").asText() : null;
        if (url != null) {
            try {
                dev.tartan.emulator.link.LinkUrls.check(url);
            } catch (dev.tartan.emulator.api.PlaidException e) {
                throw ControlException.badRequest("url must be an absolute http(s) URL");
            }
        }
        webhooks.overrideDefaultUrl(url);
        return Json.obj("default_url", webhooks.defaultUrl().orElse(null));
    }

    @GET
    @Path("/webhooks/deliveries")
    public Map<String, Object> deliveries(@QueryParam("item_id") String itemId,
                                          @QueryParam("webhook_type") String type,
                                          @QueryParam("webhook_code") String code) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (WebhookDelivery d : dispatcher.log()) {
            if ((itemId == null || itemId.equals(d.itemId())) && (type == null || type.equals(d.webhookType()))
                    && (code == null || code.equals(d.webhookCode()))) {
                out.add(d.toJson());
            }
        }
        return Json.obj("deliveries", out);
    }

    @GET
    @Path("/webhooks/deliveries/{id}")
    public Map<String, Object> delivery(@PathParam("id") String id) {
        return dispatcher.find(id).map(WebhookDelivery::toJson)
                .orElseThrow(() -> ControlException.notFound("no delivery " + id));
    }

    @GET
    @Path("/keys")
    public Map<String, Object> keys() {
        return Json.obj("current_kid", signer.currentKey().kid(),
                "keys", signer.keys().stream().map(WebhookSigner.VerificationKey::toPlaidJwk).toList());
    }

    /** A new signing key; older keys keep verifying until expired. */
    @POST
    @Path("/keys/rotate")
    public Map<String, Object> rotate() {
        String previous = signer.currentKey().kid();
        WebhookSigner.VerificationKey key = signer.rotate();
        LOG.infof("webhook signing key rotated: %s -> %s", previous, key.kid());
        return Json.obj("kid", key.kid(), "previous_kid", previous, "key", key.toPlaidJwk());
    }

    @POST
    @Path("/keys/{kid}/expire")
    public Map<String, Object> expire(@PathParam("kid") String kid) {
        WebhookSigner.VerificationKey key = signer.expire(kid)
                .orElseThrow(() -> ControlException.notFound("no key " + kid));
        return Json.obj("kid", key.kid(), "expired_at", key.expiredAt(), "current_kid", signer.currentKey().kid(),
                "key", key.toPlaidJwk());
    }

    @POST
    @Path("/faults")
    public Map<String, Object> addFault(String body) {
        JsonNode req = parse(body);
        String endpoint = req.path("endpoint").asText(null);
        if (endpoint == null || !endpoint.startsWith("/")) {
            throw ControlException.badRequest("endpoint must be a Plaid path such as /item/remove");
        }
        FaultType type;
        try {
            type = FaultType.valueOf(req.path("type").asText(""));
        } catch (IllegalArgumentException e) {
            throw ControlException.badRequest("type must be one of RATE_LIMIT, SERVER_ERROR_500, SERVER_ERROR_503, "
                    + "LATENCY");
        }
        Integer count = req.hasNonNull("count") ? req.get("count").asInt() : null;
        if (count != null && count < 1) {
            throw ControlException.badRequest("count must be at least 1");
        }
        Double rate = req.hasNonNull("rate") ? req.get("rate").asDouble() : null;
        if (rate != null && (rate < 0.0 || rate > 1.0)) {
            throw ControlException.badRequest("rate must be between 0.0 and 1.0");
        }
        long latency = req.path("latency_ms").asLong(0);
        if (type == FaultType.LATENCY && latency <= 0) {
            throw ControlException.badRequest("LATENCY needs latency_ms > 0");
        }
        FaultRule rule = faults.add(endpoint, type, count, rate, latency);
        LOG.infof("fault %s: %s on %s count=%s rate=%s", rule.id(), type, endpoint, count, rate);
        return faultJson(rule);
    }

    @GET
    @Path("/faults")
    public Map<String, Object> listFaults() {
        return Json.obj("faults", faults.rules().stream().map(ControlResource::faultJson).toList());
    }

    @DELETE
    @Path("/faults")
    public Map<String, Object> clearFaults() {
        faults.clear();
        return Json.obj("cleared", true);
    }

    @GET
    @Path("/items")
    public Map<String, Object> listItems() {
        return Json.obj("items", items.all().stream().map(ControlResource::itemJson).toList());
    }

    @GET
    @Path("/items/{item_id}")
    public Map<String, Object> item(@PathParam("item_id") String itemId) {
        return items.byId(itemId).map(ControlResource::itemJson)
                .orElseThrow(() -> ControlException.notFound("no item " + itemId));
    }

    /**
     * The sandbox access token the emulator issued for an Item. Only the emulator's control API offers this: a test
     * playing the app backend needs it to call the sandbox endpoints that take an access token (for example
     * {@code /sandbox/item/reset_login}), while Tartan's services keep their copy encrypted and never hand it out.
     */
    @GET
    @Path("/items/{item_id}/access_token")
    public Map<String, Object> accessToken(@PathParam("item_id") String itemId) {
        Item item = items.byId(itemId).orElseThrow(() -> ControlException.notFound("no item " + itemId));
        return Json.obj("item_id", item.itemId(), "access_token", item.accessToken());
    }

    /**
     * Seeds (or replaces) a sandbox login: {@code username}, optional {@code password} (absent: any non-empty one),
     * {@code owners} in Plaid's Owner form, optional {@code document_upload} and {@code accounts}.
     */
    @POST
    @Path("/users")
    public Map<String, Object> putUser(String body) {
        JsonNode req = parse(body);
        String username = req.path("username").asText(null);
        if (username == null || username.isBlank()) {
            throw ControlException.badRequest("username is required");
        }
        List<Owner> owners = new ArrayList<>();
        JsonNode ownersNode = req.get("owners");
        if (ownersNode == null || !ownersNode.isArray() || ownersNode.isEmpty()) {
            throw ControlException.badRequest("owners must be a non-empty array of Plaid Owner objects");
        }
        try {
            for (JsonNode o : ownersNode) {
                owners.add(Owner.fromJson(o));
            }
        } catch (IllegalArgumentException | dev.tartan.emulator.api.PlaidException e) {
            throw ControlException.badRequest(e.getMessage());
        }
        JsonNode doc = req.get("document_upload");
        DocumentProfile profile = DocumentProfile.clean();
        if (doc != null && doc.isObject()) {
            List<DocumentProfile.RiskSignal> signals = new ArrayList<>();
            for (JsonNode s : doc.path("risk_signals")) {
                signals.add(new DocumentProfile.RiskSignal(s.path("type").asText("SOFTWARE_BLACKLIST"),
                        s.path("has_fraud_risk").asBoolean(true), s.path("signal_description").asText(""),
                        s.path("page_number").asInt(0)));
            }
            profile = new DocumentProfile(doc.path("is_account_number_match").asBoolean(true),
                    doc.path("risk_score").asInt(10), signals);
        }
        List<dev.tartan.emulator.item.Account> accounts = null;
        if (req.hasNonNull("accounts")) {
            try {
                accounts = dev.tartan.emulator.item.AccountSelection.select(
                        dev.tartan.emulator.institution.SandboxAccounts.defaults(), req.get("accounts"));
            } catch (IllegalArgumentException e) {
                throw ControlException.badRequest(e.getMessage());
            }
        }
        TestUser user = new TestUser(username, req.path("password").asText(null), owners, profile, accounts);
        users.put(user);
        return userJson(user);
    }

    @GET
    @Path("/users")
    public Map<String, Object> listUsers() {
        return Json.obj("users", users.all().stream().map(ControlResource::userJson).toList());
    }

    /**
     * Changes the owners the institution reports for an Item's accounts, as when the bank's records change before
     * Plaid's IDENTITY DEFAULT_UPDATE: {@code owners} in Plaid's Owner form, optional {@code account_ids} (absent: every
     * account). {@code /identity/get} and {@code /identity/match} answer from these owners from now on; fire the webhook
     * with {@code POST /emulator/webhooks/fire}.
     */
    @POST
    @Path("/items/{item_id}/owners")
    public Map<String, Object> setOwners(@PathParam("item_id") String itemId, String body) {
        Item item = items.byId(itemId).orElseThrow(() -> ControlException.notFound("no item " + itemId));
        JsonNode req = parse(body);
        JsonNode ownersNode = req.get("owners");
        if (ownersNode == null || !ownersNode.isArray() || ownersNode.isEmpty()) {
            throw ControlException.badRequest("owners must be a non-empty array of Plaid Owner objects");
        }
        List<Owner> owners = new ArrayList<>();
        try {
            for (JsonNode o : ownersNode) {
                owners.add(Owner.fromJson(o));
            }
        } catch (IllegalArgumentException | dev.tartan.emulator.api.PlaidException e) {
            throw ControlException.badRequest(e.getMessage());
        }
        List<String> accountIds = new ArrayList<>();
        JsonNode ids = req.get("account_ids");
        if (ids != null && !ids.isNull()) {
            if (!ids.isArray() || ids.isEmpty()) {
                throw ControlException.badRequest("account_ids must be a non-empty array of account ids");
            }
            for (JsonNode id : ids) {
                if (item.account(id.asText()).isEmpty()) {
                    throw ControlException.badRequest("item " + itemId + " has no account " + id.asText());
                }
                accountIds.add(id.asText());
            }
        } else {
            item.accounts().forEach(a -> accountIds.add(a.accountId()));
        }
        accountIds.forEach(id -> item.owners(id, owners));
        LOG.infof("owners of item_id=%s accounts %s replaced (%d owners)", itemId, accountIds, owners.size());
        return Json.obj("item_id", itemId, "accounts", item.accounts().stream().map(a -> Json.obj(
                "account_id", a.accountId(),
                "owners", item.owners(a.accountId()).stream().map(o -> o.toJson(null)).toList())).toList());
    }

    /**
     * The data calls (/auth/get, /identity/*) made with an Item's access token, oldest first, optionally only one
     * {@code endpoint}: lets a test see which accounts a service asked for and that it did not retry in a loop.
     */
    @GET
    @Path("/items/{item_id}/calls")
    public Map<String, Object> calls(@PathParam("item_id") String itemId, @QueryParam("endpoint") String endpoint) {
        Item item = items.byId(itemId).orElseThrow(() -> ControlException.notFound("no item " + itemId));
        return Json.obj("item_id", itemId, "withheld_products", item.withheldProducts(),
                "calls", item.calls().stream().filter(c -> endpoint == null || endpoint.equals(c.endpoint()))
                        .map(c -> Json.obj("endpoint", c.endpoint(), "account_ids", c.accountIds(),
                                "request_id", c.requestId(), "error_code", c.errorCode(), "at", Json.time(c.at())))
                        .toList());
    }

    private JsonNode parse(String body) {
        try {
            JsonNode node = body == null || body.isBlank() ? mapper.createObjectNode() : mapper.readTree(body);
            if (!node.isObject()) {
                throw ControlException.badRequest("body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw ControlException.badRequest("body is not valid JSON");
        }
    }

    private static Map<String, Object> faultJson(FaultRule r) {
        return Json.obj("id", r.id(), "endpoint", r.endpoint(), "type", r.type().name(), "count", r.count(),
                "rate", r.rate(), "latency_ms", r.latencyMs(), "applied", r.applied());
    }

    static Map<String, Object> itemJson(Item item) {
        Map<String, Object> json = Json.obj(
                "item_id", item.itemId(),
                "status", item.removed() ? "REMOVED" : item.error() != null ? "ERROR" : "HEALTHY",
                "removed", item.removed(),
                "removed_at", Json.time(item.removedAt()),
                "error", item.error() == null ? null : item.error().toEmbedded(),
                "institution_id", item.institution().map(i -> i.institutionId()).orElse(null),
                "products", item.billedProducts(),
                "consented_products", item.consentedProducts(),
                "webhook", item.webhook(),
                "username", item.user().username(),
                "client_user_id", item.clientUserId(),
                "public_token_exchanged", item.exchanged(),
                "auth_method", item.authMethod(),
                "created_at", Json.time(item.createdAt()),
                "last_webhook", item.lastWebhookCode() == null ? null : Json.obj(
                        "sent_at", Json.time(item.lastWebhookSentAt()), "code_sent", item.lastWebhookCode()),
                "accounts", item.accounts().stream().map(a -> {
                    Map<String, Object> acc = ItemViews.account(a, true);
                    acc.put("account_number", a.accountNumber());
                    acc.put("routing_number", a.routingNumber());
                    return acc;
                }).toList(),
                "documents", item.documents().values().stream().map(d -> Json.obj("document_id", d.documentId(),
                        "account_id", d.accountId(), "is_account_number_match", d.profile().accountNumberMatch(),
                        "risk_score", d.profile().riskScore())).toList());
        return json;
    }

    private static Map<String, Object> userJson(TestUser u) {
        return Json.obj("username", u.username(), "password", u.password(),
                "owners", u.owners().stream().map(o -> o.toJson(null)).toList(),
                "document_upload", u.documentProfile() == null ? null : Json.obj(
                        "is_account_number_match", u.documentProfile().accountNumberMatch(),
                        "risk_score", u.documentProfile().riskScore()),
                "custom_accounts", u.accounts() != null);
    }

    @SuppressWarnings("unused")
    private static String text(JsonNode n, String f) {
        return PlaidRequest.text(n, f);
    }
}
