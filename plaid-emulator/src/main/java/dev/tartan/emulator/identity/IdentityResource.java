package dev.tartan.emulator.identity;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.item.Account;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.item.ItemViews;
import dev.tartan.emulator.user.DocumentProfile;
import dev.tartan.emulator.user.Owner;
import dev.tartan.emulator.webhook.ItemEvents;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@code /identity/get}, {@code /identity/match}, {@code /identity/documents/uploads/get}. */
@Path("/identity")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class IdentityResource {
    private static final Logger LOG = Logger.getLogger(IdentityResource.class);

    private final PlaidGate gate;
    private final ItemStore items;
    private final ItemEvents itemEvents;

    public IdentityResource(PlaidGate gate, ItemStore items, ItemEvents itemEvents) {
        this.gate = gate;
        this.items = items;
        this.itemEvents = itemEvents;
    }

    /** The Item for a data call: its current error (e.g. ITEM_LOGIN_REQUIRED) fails the call, as at Plaid. */
    static Item usableItem(ItemStore items, PlaidRequest req) {
        Item item = items.byAccessToken(req.str("access_token"));
        if (item.error() != null) {
            item.recordCall(req.endpoint(), req.optionAccountIds(), req.requestId(), item.error().errorCode());
            throw item.error();
        }
        return item;
    }

    /**
     * Records the call and fails it the way Plaid does when Identity cannot be served: ACCESS_NOT_GRANTED when the user
     * did not share identity data in Link (the first miss also sends IDENTITY PRODUCT_PERMISSIONS_REQUIRED), else
     * {@code unsupported} (null: the call goes ahead).
     */
    private void check(Item item, PlaidRequest req, PlaidException unsupported) {
        PlaidException error = null;
        if (item.withheld("identity")) {
            error = PlaidErrors.accessNotGranted("identity");
            if (item.firstPermissionMiss("identity")) {
                itemEvents.fire(item, "IDENTITY", "PRODUCT_PERMISSIONS_REQUIRED", Map.of());
            }
        } else if (unsupported != null) {
            error = unsupported;
        }
        item.recordCall(req.endpoint(), req.optionAccountIds(), req.requestId(), error == null ? null : error.errorCode());
        if (error != null) {
            throw error;
        }
    }

    @POST
    @Path("/get")
    public Map<String, Object> get(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/identity/get", headers, body).require("access_token");
        Item item = usableItem(items, req);
        check(item, req, item.manual() ? PlaidErrors.productsNotSupported("Identity is not supported for Items "
                + "created through Database Insights or micro-deposits (use /identity/match)") : null);
        List<Account> accounts = ItemViews.select(item, req.optionAccountIds());
        item.bill("identity");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : accounts) {
            Map<String, Object> json = ItemViews.account(a, true);
            json.put("owners", item.owners(a.accountId()).stream().map(o -> o.toJson(null)).toList());
            out.add(json);
        }
        return Json.obj("accounts", out, "item", ItemViews.item(item), "request_id", req.requestId());
    }

    @POST
    @Path("/match")
    public Map<String, Object> match(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/identity/match", headers, body).require("access_token");
        Item item = usableItem(items, req);
        check(item, req, item.manual() && !item.seenOnNetwork() ? PlaidErrors.productsNotSupported("Identity Match "
                + "is not supported for this Item: its account was never seen on the Plaid network") : null);
        JsonNode user = req.node("user");
        if (!user.isObject()) {
            throw PlaidErrors.missingFields(List.of("user"));
        }
        JsonNode address = user.path("address");
        IdentityMatcher.UserAddress userAddress = address.isObject() ? new IdentityMatcher.UserAddress(
                PlaidRequest.text(address, "street"), PlaidRequest.text(address, "city"),
                PlaidRequest.text(address, "region"), PlaidRequest.text(address, "postal_code"),
                PlaidRequest.text(address, "country")) : null;
        String legalName = PlaidRequest.text(user, "legal_name");
        String phone = PlaidRequest.text(user, "phone_number");
        String email = PlaidRequest.text(user, "email_address");
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : ItemViews.select(item, req.optionAccountIds())) {
            List<Owner> owners = item.owners(a.accountId());
            Map<String, Object> json = ItemViews.account(a, false);
            IdentityMatcher.NameScore name = IdentityMatcher.name(legalName, owners);
            Integer phoneScore = IdentityMatcher.phone(phone, owners);
            Integer emailScore = IdentityMatcher.email(email, owners);
            IdentityMatcher.AddressScore addressScore = IdentityMatcher.address(userAddress, owners);
            json.put("legal_name", name == null ? null : Json.obj("score", name.score(),
                    "is_first_name_or_last_name_match", name.firstOrLastNameMatch(),
                    "is_nickname_match", name.nicknameMatch(),
                    "is_business_name_detected", name.businessNameDetected()));
            json.put("phone_number", phoneScore == null ? null : Json.obj("score", phoneScore));
            json.put("email_address", emailScore == null ? null : Json.obj("score", emailScore));
            json.put("address", addressScore == null ? null : Json.obj("score", addressScore.score(),
                    "is_postal_code_match", addressScore.postalCodeMatch()));
            out.add(json);
        }
        LOG.infof("request_id=%s identity match item_id=%s", req.requestId(), item.itemId());
        return Json.obj("accounts", out, "item", ItemViews.item(item), "request_id", req.requestId());
    }

    @POST
    @Path("/documents/uploads/get")
    public Map<String, Object> documentUploads(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/identity/documents/uploads/get", headers, body).require("access_token");
        Item item = usableItem(items, req);
        item.recordCall(req.endpoint(), req.optionAccountIds(), req.requestId(), null);
        List<Map<String, Object>> out = new ArrayList<>();
        for (Account a : ItemViews.select(item, req.optionAccountIds())) {
            Map<String, Object> json = ItemViews.account(a, true);
            Item.UploadedDocument doc = item.documents().get(a.accountId());
            if (doc == null) {
                json.put("owners", List.of());
                json.put("documents", null);
            } else {
                json.put("owners", item.user().owners().stream().map(o -> o.toJson(doc.documentId())).toList());
                json.put("documents", List.of(document(doc)));
            }
            out.add(json);
        }
        return Json.obj("accounts", out, "item", ItemViews.item(item), "request_id", req.requestId());
    }

    private static Map<String, Object> document(Item.UploadedDocument doc) {
        DocumentProfile p = doc.profile();
        Map<String, Object> json = Json.obj("document_id", doc.documentId(), "metadata", Json.obj(
                "document_type", "BANK_STATEMENT",
                "is_account_number_match", p.accountNumberMatch(),
                "page_count", 1,
                "last_updated", Json.time(doc.uploadedAt()),
                "uploaded_at", Json.time(doc.uploadedAt())));
        if (doc.riskSignals()) {
            json.put("risk_insights", Json.obj(
                    "risk_summary", Json.obj("risk_score", p.riskScore()),
                    "risk_signals", p.riskSignals().stream().map(s -> Json.obj("type", s.type(),
                            "has_fraud_risk", s.hasFraudRisk(), "signal_description", s.signalDescription(),
                            "page_number", s.pageNumber())).toList()));
        }
        return json;
    }
}
