package dev.tartan.emulator.auth;

import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.item.Account;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.item.ItemViews;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code /auth/get}: account and routing numbers of the Item's depository accounts; Database Insights Items also carry
 * {@code verification_status} and {@code verification_insights}. Automated micro-deposit Items answer
 * PRODUCT_NOT_READY until AUTH AUTOMATICALLY_VERIFIED, and carry no numbers once VERIFICATION_EXPIRED.
 */
@Path("/auth/get")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    private final PlaidGate gate;
    private final ItemStore items;

    public AuthResource(PlaidGate gate, ItemStore items) {
        this.gate = gate;
        this.items = items;
    }

    @POST
    public Map<String, Object> get(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/auth/get", headers, body).require("access_token");
        Item item = items.byAccessToken(req.str("access_token"));
        if (item.error() != null) {
            item.recordCall(req.endpoint(), req.optionAccountIds(), req.requestId(), item.error().errorCode());
            throw item.error();
        }
        List<Account> selected = ItemViews.select(item, req.optionAccountIds());
        if (selected.stream().anyMatch(Account::authPending)) {
            // REFERENCE §3.10: /auth/get on an unverified micro-deposit Item is ITEM_ERROR PRODUCT_NOT_READY
            PlaidException notReady = PlaidErrors.productNotReady("the Item's micro-deposits are not verified yet");
            item.recordCall(req.endpoint(), req.optionAccountIds(), req.requestId(), notReady.errorCode());
            throw notReady;
        }
        item.recordCall(req.endpoint(), req.optionAccountIds(), req.requestId(), null);
        item.bill("auth");
        List<Map<String, Object>> accounts = new ArrayList<>();
        List<Map<String, Object>> ach = new ArrayList<>();
        for (Account a : selected) {
            if (!a.isDepository()) {
                continue;
            }
            accounts.add(ItemViews.account(a, true));
            if (a.accountNumber() != null && !a.authUnverified()) { // expired/failed micro-deposits: no usable numbers
                ach.add(Json.obj("account_id", a.accountId(), "account", a.accountNumber(),
                        "routing", a.routingNumber(), "wire_routing", a.wireRouting(),
                        "is_tokenized_account_number", false));
            }
        }
        return Json.obj("accounts", accounts,
                "numbers", Json.obj("ach", ach, "eft", List.of(), "international", List.of(), "bacs", List.of()),
                "item", ItemViews.item(item), "request_id", req.requestId());
    }
}
