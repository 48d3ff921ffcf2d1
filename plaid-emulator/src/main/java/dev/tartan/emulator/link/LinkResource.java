package dev.tartan.emulator.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.api.Ids;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.config.EmulatorConfig;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.webhook.Webhooks;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** {@code /link/token/create} and {@code /link/token/get}. */
@Path("/link/token")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class LinkResource {
    private final PlaidGate gate;
    private final LinkTokenStore tokens;
    private final ItemStore items;
    private final EmulatorConfig config;
    private final Webhooks webhooks;

    public LinkResource(PlaidGate gate, LinkTokenStore tokens, ItemStore items, EmulatorConfig config,
                        Webhooks webhooks) {
        this.gate = gate;
        this.tokens = tokens;
        this.items = items;
        this.config = config;
        this.webhooks = webhooks;
    }

    @POST
    @Path("/create")
    public Map<String, Object> create(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/link/token/create", headers, body).require("client_name", "language",
                "country_codes");
        String clientName = req.str("client_name");
        if (clientName.isEmpty()) {
            throw PlaidErrors.invalidField("client_name must be a non-empty string");
        }
        String language = req.str("language");
        if (!PlaidEnums.LANGUAGES.contains(language)) {
            throw PlaidErrors.invalidField("language must be one of " + PlaidEnums.LANGUAGES);
        }
        List<String> countries = req.strings("country_codes");
        if (countries.isEmpty()) {
            throw PlaidErrors.invalidField("country_codes must contain at least one country code");
        }
        for (String c : countries) {
            if (!PlaidEnums.COUNTRY_CODES.contains(c)) {
                throw PlaidErrors.invalidField("invalid country code " + c);
            }
        }
        JsonNode user = req.node("user");
        String clientUserId = null;
        if (user.isObject()) {
            clientUserId = PlaidRequest.text(user, "client_user_id");
            if (clientUserId == null) {
                throw PlaidErrors.missingFields(List.of("user.client_user_id"));
            }
            if (clientUserId.isEmpty()) {
                throw PlaidErrors.invalidField("user.client_user_id must be a non-empty string");
            }
        } else if (req.optStr("user_id").isEmpty()) {
            throw PlaidErrors.missingFields(List.of("user"));
        }

        List<String> products = validProducts(req.strings("products"), "products");
        List<String> extra = new ArrayList<>();
        for (String field : List.of("required_if_supported_products", "optional_products",
                "additional_consented_products")) {
            List<String> list = validProducts(req.strings(field), field);
            Set<String> overlap = new HashSet<>(list);
            overlap.retainAll(products);
            if (!overlap.isEmpty() && !"optional_products".equals(field)) {
                throw PlaidErrors.invalidField(field + " must not overlap with products: " + overlap);
            }
            extra.addAll(list);
        }

        String accessToken = req.optStr("access_token").orElse(null);
        Item updateItem = null;
        if (accessToken != null) {
            updateItem = items.byAccessToken(accessToken);
        }
        LinkToken.DocumentUpload documentUpload = documentUpload(req, updateItem, products);
        if (updateItem != null) {
            checkUpdateModeProducts(products, documentUpload);
        } else if (products.isEmpty()) {
            throw PlaidErrors.invalidField("products must contain at least one product (except in update mode)");
        }
        if (products.contains("balance")) {
            throw PlaidErrors.invalidProduct("balance is not a valid product for /link/token/create; it is "
                    + "available by default on every Item");
        }
        LinkToken.AuthFlow authFlow = authFlow(req.node("auth"), countries);

        String webhook = req.optStr("webhook").orElse(null);
        if (webhook != null) {
            LinkUrls.check(webhook);
        }
        Instant now = Instant.now();
        Instant expiration = now.plus(updateItem != null ? config.updateModeLinkTokenTtl() : config.linkTokenTtl());
        boolean accountSelection = req.node("update").path("account_selection_enabled").asBoolean(false);
        LinkToken token = new LinkToken(Ids.linkToken(config.environment()), now, expiration, clientName, language,
                countries, products, extra, updateItem != null ? null : webhook,
                req.optStr("redirect_uri").orElse(null), clientUserId,
                updateItem == null ? null : updateItem.itemId(), authFlow, documentUpload, accountSelection, null);
        tokens.add(token);
        return Json.obj("link_token", token.token(), "expiration", Json.time(expiration),
                "request_id", req.requestId());
    }

    @POST
    @Path("/get")
    public Map<String, Object> get(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/link/token/get", headers, body).require("link_token");
        LinkToken token = tokens.get(req.str("link_token"));
        String webhook = token.webhook();
        if (token.updateMode()) {
            webhook = items.byId(token.itemId()).map(Item::webhook).orElse(null);
        }
        Map<String, Object> metadata = Json.obj(
                "client_name", token.clientName(),
                "country_codes", token.countryCodes(),
                "initial_products", token.products(),
                "language", token.language(),
                "redirect_uri", token.redirectUri(),
                "webhook", webhook);
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (LinkSession s : token.sessionsSnapshot()) {
            sessions.add(LinkSessionViews.forTokenGet(s));
        }
        return Json.obj(
                "created_at", Json.time(token.createdAt()),
                "expiration", Json.time(token.expiration()),
                "link_sessions", sessions,
                "link_token", token.token(),
                "metadata", metadata,
                "request_id", req.requestId());
    }

    private static List<String> validProducts(List<String> products, String field) {
        for (String p : products) {
            if (!PlaidEnums.PRODUCTS.contains(p)) {
                throw PlaidErrors.invalidProduct("invalid product " + p + " in " + field);
            }
        }
        return List.copyOf(new LinkedHashSet<>(products));
    }

    /**
     * Update mode takes no products (Plaid's handbook), except Identity Document Upload ({@code ["identity"]}),
     * adding Beacon account insights ({@code ["beacon"]}) and credit products.
     */
    private static void checkUpdateModeProducts(List<String> products, LinkToken.DocumentUpload documentUpload) {
        if (products.isEmpty()) {
            return;
        }
        boolean docUpload = documentUpload != null && products.equals(List.of("identity"));
        boolean beacon = products.equals(List.of("beacon"));
        boolean credit = PlaidEnums.CREDIT_PRODUCTS.containsAll(products);
        if (!docUpload && !beacon && !credit) {
            throw PlaidErrors.invalidField("products must not be specified when creating a link token in update "
                    + "mode (with an access_token), except for identity document upload, beacon or credit products");
        }
    }

    private LinkToken.DocumentUpload documentUpload(PlaidRequest req, Item updateItem, List<String> products) {
        JsonNode identity = req.node("identity");
        if (!identity.path("is_document_upload").asBoolean(false)) {
            return null;
        }
        if (updateItem == null) {
            throw PlaidErrors.invalidConfiguration("identity document upload requires update mode: pass the "
                    + "access_token of the Item whose account is to be verified");
        }
        if (!products.contains("identity")) {
            throw PlaidErrors.invalidConfiguration("identity document upload requires products [\"identity\"]");
        }
        List<String> accountIds = PlaidRequest.strings(identity, "account_ids");
        if (accountIds.size() != 1) {
            throw PlaidErrors.invalidField("identity.account_ids must contain exactly one account_id for document "
                    + "upload");
        }
        String accountId = accountIds.get(0);
        if (updateItem.account(accountId).isEmpty()) {
            throw PlaidErrors.invalidAccountId(accountId);
        }
        if (webhooks.urlFor(updateItem).isEmpty()) {
            throw PlaidErrors.invalidField("in Sandbox, a valid webhook URL is required on the Item to upload "
                    + "documents (set one with /item/webhook/update)");
        }
        List<String> parsing = PlaidRequest.strings(identity, "parsing_configs");
        for (String p : parsing) {
            if (!p.equals("ocr") && !p.equals("risk_signals")) {
                throw PlaidErrors.invalidField("identity.parsing_configs values must be ocr or risk_signals");
            }
        }
        return new LinkToken.DocumentUpload(accountId, parsing.contains("risk_signals"));
    }

    /**
     * The legacy {@code auth} rules of the Database Insights/Match guide: Database Insights cannot be combined with an
     * explicit Database Match, Same-Day or Instant Micro-deposits; these flows are US-only (Database Insights: US or
     * CA).
     */
    private static LinkToken.AuthFlow authFlow(JsonNode auth, List<String> countries) {
        if (!auth.isObject()) {
            return LinkToken.AuthFlow.CREDENTIALS;
        }
        for (String field : List.of("auth_type_select_enabled", "automated_microdeposits_enabled",
                "instant_match_enabled", "same_day_microdeposits_enabled", "instant_microdeposits_enabled",
                "database_match_enabled", "database_insights_enabled", "sms_microdeposits_verification_enabled")) {
            JsonNode v = auth.get(field);
            if (v != null && !v.isNull() && !v.isBoolean()) {
                throw PlaidErrors.invalidField("auth." + field + " must be a boolean");
            }
        }
        JsonNode reroute = auth.get("reroute_to_credentials");
        if (reroute != null && !reroute.isNull() && !Set.of("OFF", "OPTIONAL", "FORCED").contains(reroute.asText())) {
            throw PlaidErrors.invalidField("auth.reroute_to_credentials must be OFF, OPTIONAL or FORCED");
        }
        boolean insights = auth.path("database_insights_enabled").asBoolean(false);
        boolean match = auth.path("database_match_enabled").asBoolean(false);
        boolean sameDay = auth.path("same_day_microdeposits_enabled").asBoolean(false);
        boolean instantMd = auth.path("instant_microdeposits_enabled").asBoolean(false);
        if (insights && (match || sameDay || instantMd)) {
            throw PlaidErrors.invalidConfiguration("database_insights_enabled cannot be combined with "
                    + "database_match_enabled, same_day_microdeposits_enabled or instant_microdeposits_enabled");
        }
        boolean microOrDb = match || sameDay || instantMd
                || auth.path("automated_microdeposits_enabled").asBoolean(false);
        if (microOrDb && !countries.equals(List.of("US"))) {
            throw PlaidErrors.invalidConfiguration("micro-deposit and Database Match flows require country_codes "
                    + "[\"US\"]");
        }
        if (insights && !(countries.equals(List.of("US")) || countries.equals(List.of("CA")))) {
            throw PlaidErrors.invalidConfiguration("Database Insights requires country_codes [\"US\"] or [\"CA\"]");
        }
        if (insights) {
            return LinkToken.AuthFlow.DATABASE_INSIGHTS;
        }
        if (match) {
            return LinkToken.AuthFlow.DATABASE_MATCH;
        }
        return auth.path("automated_microdeposits_enabled").asBoolean(false) ? LinkToken.AuthFlow.AUTOMATED_MICRODEPOSITS
                : LinkToken.AuthFlow.CREDENTIALS;
    }
}
