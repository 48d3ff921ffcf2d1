package dev.tartan.emulator.link;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.api.Ids;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.auth.DatabaseInsights;
import dev.tartan.emulator.control.ControlException;
import dev.tartan.emulator.institution.Institution;
import dev.tartan.emulator.institution.Institutions;
import dev.tartan.emulator.institution.SandboxAccounts;
import dev.tartan.emulator.item.Account;
import dev.tartan.emulator.item.AccountSelection;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemFactory;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.user.DocumentProfile;
import dev.tartan.emulator.user.TestUser;
import dev.tartan.emulator.user.TestUsers;
import dev.tartan.emulator.webhook.WebhookPayloads;
import dev.tartan.emulator.webhook.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Plays a Link session for a Link token as a user would in Plaid Link: choose an institution, log in, select
 * accounts, then succeed or exit. Produces what Link's {@code onSuccess}/{@code onExit} carries, records the session
 * for {@code /link/token/get}, and fires the LINK webhooks (EVENTS, ITEM_ADD_RESULT, SESSION_FINISHED).
 *
 * <p>Update mode (token created with an {@code access_token}) repairs the Item (clears ITEM_LOGIN_REQUIRED) and issues
 * no public token; with {@code identity.is_document_upload} it also "uploads" a statement and fires IDENTITY
 * DOCUMENT_UPDATE_AVAILABLE. Tokens with {@code auth.database_insights_enabled} take a manually entered
 * {@code account_number}/{@code routing_number} instead of a login; so do tokens with
 * {@code auth.automated_microdeposits_enabled} (the account then waits for its micro-deposits). {@code withheld_products}
 * plays a user who does not share those products' data: their endpoints answer ACCESS_NOT_GRANTED until update mode.
 */
@ApplicationScoped
public class LinkSessionSimulator {
    private static final Logger LOG = Logger.getLogger(LinkSessionSimulator.class);

    private final LinkTokenStore tokens;
    private final ItemStore items;
    private final ItemFactory factory;
    private final TestUsers users;
    private final Webhooks webhooks;

    public LinkSessionSimulator(LinkTokenStore tokens, ItemStore items, ItemFactory factory, TestUsers users,
                                Webhooks webhooks) {
        this.tokens = tokens;
        this.items = items;
        this.factory = factory;
        this.users = users;
        this.webhooks = webhooks;
    }

    /** Runs one session from the control API body (see docs/plaid-emulator.md). */
    public Map<String, Object> simulate(JsonNode body) {
        String linkToken = PlaidRequest.text(body, "link_token");
        if (linkToken == null) {
            throw ControlException.badRequest("link_token is required");
        }
        LinkToken token;
        try {
            token = tokens.usable(linkToken, Instant.now());
        } catch (PlaidException e) {
            throw ControlException.from(e);
        }
        String outcome = body.path("outcome").asText("success");
        if (!outcome.equals("success") && !outcome.equals("exit")) {
            throw ControlException.badRequest("outcome must be success or exit");
        }
        Item updateItem = null;
        if (token.updateMode()) {
            updateItem = items.byId(token.itemId()).filter(i -> !i.removed())
                    .orElseThrow(() -> ControlException.from(PlaidErrors.itemNotFound()));
        }
        boolean microDeposits = token.authFlow() == LinkToken.AuthFlow.AUTOMATED_MICRODEPOSITS;
        boolean manual = updateItem == null && (token.authFlow() == LinkToken.AuthFlow.DATABASE_INSIGHTS || microDeposits)
                && body.hasNonNull("account_number");
        List<String> withheld = PlaidRequest.strings(body, "withheld_products");
        for (String product : withheld) {
            if (!token.products().contains(product) && !token.extraProducts().contains(product)) {
                throw ControlException.badRequest("withheld_products: " + product + " is not a product of the link token");
            }
        }
        Institution institution = null;
        if (updateItem != null) {
            institution = updateItem.institution().orElse(null);
        } else if (!manual) {
            String institutionId = body.path("institution_id").asText(Institutions.DEFAULT_ID);
            institution = Institutions.find(institutionId).orElseThrow(() ->
                    ControlException.from(PlaidErrors.invalidInstitution(institutionId)));
        }

        Session s = new Session(token, institution);
        s.event("OPEN", Json.obj("view_name", "CONSENT"));
        if (institution != null) {
            s.event("SELECT_INSTITUTION", Json.obj("institution_id", institution.institutionId(),
                    "institution_name", institution.name()));
        } else {
            s.event("SUBMIT_ROUTING_NUMBER", Json.obj("routing_number", body.path("routing_number").asText(
                    SandboxAccounts.ROUTING)));
        }

        String errorCode = PlaidRequest.text(body, "error_code");
        if (outcome.equals("exit")) {
            PlaidException error = errorCode == null ? null : PlaidErrors.forSandboxCode(errorCode);
            return s.exit(error);
        }
        if (errorCode != null) {
            return s.exit(PlaidErrors.forSandboxCode(errorCode));
        }

        TestUser user;
        if (manual) {
            user = users.find(TestUsers.USER_GOOD).orElseThrow();
        } else {
            s.event("SUBMIT_CREDENTIALS", Json.obj());
            try {
                user = users.login(PlaidRequest.text(body, "username"), PlaidRequest.text(body, "password"));
            } catch (PlaidException e) {
                return s.exit(e);
            }
        }

        if (updateItem != null) {
            return s.completeUpdate(updateItem, user, body.get("accounts"));
        }
        List<Account> templates;
        String authMethod = token.products().contains("auth") ? "INSTANT_AUTH" : null;
        if (manual && microDeposits) {
            // automated micro-deposits: numbers as entered, pending until AUTH AUTOMATICALLY_VERIFIED/VERIFICATION_EXPIRED
            Account entered = DatabaseInsights.evaluate(body.get("account_number").asText(),
                    PlaidRequest.text(body, "routing_number"), PlaidRequest.text(body, "account_subtype"));
            templates = List.of(new Account(null, entered.name(), null, entered.mask(), "depository", entered.subtype(),
                    null, null, null, entered.accountNumber(), entered.routingNumber(), null,
                    "pending_automatic_verification", null));
            authMethod = "AUTOMATED_MICRODEPOSITS";
        } else if (manual) {
            templates = List.of(DatabaseInsights.evaluate(body.get("account_number").asText(),
                    PlaidRequest.text(body, "routing_number"), PlaidRequest.text(body, "account_subtype")));
            authMethod = "DATABASE_INSIGHTS";
        } else {
            templates = select(user.accounts() != null ? user.accounts() : SandboxAccounts.defaults(),
                    body.get("accounts"));
        }
        boolean seenOnNetwork = !manual
                || "database_insights_pass".equals(templates.get(0).verificationStatus());
        Item item = factory.create(institution, user, templates, token.products(), token.extraProducts(),
                token.webhook(), authMethod, manual, seenOnNetwork, token.clientUserId());
        withheld.forEach(item::withhold); // the user did not share these products' data on Link's consent pane
        String publicToken = factory.issuePublicToken(item);
        LOG.infof("link session %s: new item_id=%s (%s)", s.id, item.itemId(),
                institution == null ? "manual" : institution.institutionId());
        return s.success(publicToken, item.accounts());
    }

    private static List<Account> select(List<Account> available, JsonNode selection) {
        try {
            return AccountSelection.select(available, selection);
        } catch (IllegalArgumentException e) {
            throw ControlException.badRequest(e.getMessage());
        }
    }

    /** State of one session while it runs. */
    private final class Session {
        final String id = Ids.uuid();
        final LinkToken token;
        final Institution institution;
        final Instant startedAt = Instant.now();
        final List<Map<String, Object>> events = new ArrayList<>();

        Session(LinkToken token, Institution institution) {
            this.token = token;
            this.institution = institution;
        }

        void event(String name, Map<String, Object> metadata) {
            Map<String, Object> meta = Json.obj("request_id", Ids.requestId());
            meta.putAll(metadata);
            events.add(Json.obj("event_id", Ids.uuid(), "event_name", name, "timestamp", Json.time(Instant.now()),
                    "event_metadata", meta));
        }

        Map<String, Object> institutionJson() {
            return institution == null ? Json.obj("institution_id", null, "name", null)
                    : Json.obj("institution_id", institution.institutionId(), "name", institution.name());
        }

        /** In {@code /link/token/get} a session without an institution (Database Insights) has {@code null}. */
        Map<String, Object> sessionInstitution() {
            return institution == null ? null : institutionJson();
        }

        String webhookUrl() {
            if (token.updateMode()) {
                return items.byId(token.itemId()).map(Item::webhook).orElse(null);
            }
            return token.webhook();
        }

        Map<String, Object> exit(PlaidException error) {
            if (error != null) {
                event("ERROR", Json.obj("error_code", error.errorCode(), "error_type", error.errorType(),
                        "error_message", error.getMessage()));
            }
            event("EXIT", Json.obj("exit_status", "requires_credentials"));
            Map<String, Object> errorJson = error == null ? null : error.toBody(Ids.requestId());
            if (errorJson != null) {
                errorJson.remove("request_id");
            }
            token.addSession(new LinkSession(id, startedAt, Instant.now(), false, null, sessionInstitution(),
                    List.of(), errorJson, List.copyOf(events)));
            fireLinkWebhooks("EXITED", null);
            LOG.infof("link session %s exited%s", id, error == null ? "" : " with " + error.errorCode());
            return Json.obj("status", "EXITED", "link_session_id", id, "public_token", null,
                    "institution", institutionJson(), "accounts", List.of(), "error", errorJson);
        }

        Map<String, Object> success(String publicToken, List<Account> accounts) {
            event("HANDOFF", Json.obj());
            List<Map<String, Object>> accountsJson = accounts.stream().map(a -> {
                Map<String, Object> json = Json.obj("id", a.accountId(), "name", a.name(), "mask", a.mask(),
                        "type", a.type(), "subtype", a.subtype());
                json.put("verification_status", a.verificationStatus());
                return json;
            }).toList();
            token.addSession(new LinkSession(id, startedAt, Instant.now(), true, publicToken, sessionInstitution(),
                    accountsJson, null, List.copyOf(events)));
            fireLinkWebhooks("SUCCESS", publicToken);
            return Json.obj("status", "SUCCESS", "link_session_id", id, "public_token", publicToken,
                    "institution", institutionJson(), "accounts", accountsJson, "error", null);
        }

        Map<String, Object> completeUpdate(Item item, TestUser user, JsonNode accountSelection) {
            item.error(null);
            if (token.accountSelectionEnabled() && accountSelection != null && !accountSelection.isNull()) {
                List<Account> available = user.accounts() != null ? user.accounts() : SandboxAccounts.defaults();
                List<Account> merged = new ArrayList<>();
                for (Account chosen : select(available, accountSelection)) {
                    merged.add(item.accounts().stream().filter(a -> a.mask().equals(chosen.mask())).findFirst()
                            .orElseGet(chosen::withNewId));
                }
                item.replaceAccounts(merged);
            }
            for (String product : token.products()) {
                item.bill(product);
            }
            for (String product : token.extraProducts()) {
                item.grant(product); // consent collected in update mode (e.g. Identity after ACCESS_NOT_GRANTED)
            }
            if (token.documentUpload() != null) {
                uploadDocument(item, user);
            }
            LOG.infof("link session %s: update mode completed for item_id=%s", id, item.itemId());
            return success(null, item.accounts());
        }

        void uploadDocument(Item item, TestUser user) {
            LinkToken.DocumentUpload upload = token.documentUpload();
            DocumentProfile profile = user.documentProfile() != null ? user.documentProfile()
                    : item.user().documentProfile();
            String documentId = Ids.uuid();
            item.documents().put(upload.accountId(), new Item.UploadedDocument(documentId, upload.accountId(),
                    profile == null ? DocumentProfile.clean() : profile, upload.riskSignals(), Instant.now()));
            event("UPLOAD_DOCUMENT", Json.obj());
            webhooks.toItem(item, WebhookPayloads.forItem("IDENTITY", "DOCUMENT_UPDATE_AVAILABLE", item,
                    webhooks.environment()));
        }

        void fireLinkWebhooks(String status, String publicToken) {
            String url = webhookUrl();
            String env = webhooks.environment();
            String itemId = token.itemId();
            webhooks.toUrl(url, Json.obj("webhook_type", "LINK", "webhook_code", "EVENTS", "events",
                    List.copyOf(events), "link_session_id", id, "link_token", token.token(), "environment", env),
                    itemId);
            if (publicToken != null) {
                webhooks.toUrl(url, Json.obj("webhook_type", "LINK", "webhook_code", "ITEM_ADD_RESULT",
                        "link_session_id", id, "link_token", token.token(), "public_token", publicToken,
                        "environment", env), itemId);
            }
            webhooks.toUrl(url, Json.obj("webhook_type", "LINK", "webhook_code", "SESSION_FINISHED",
                    "status", status, "link_session_id", id, "link_token", token.token(),
                    "public_tokens", publicToken == null ? List.of() : List.of(publicToken),
                    "environment", env), itemId);
        }
    }
}
