package dev.tartan.emulator.beacon;

import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.item.Account;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Plaid's Beacon endpoints. */
@Path("/beacon")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class BeaconResource {
    private final PlaidGate gate;
    private final BeaconService beacon;
    private final ItemStore items;

    public BeaconResource(PlaidGate gate, BeaconService beacon, ItemStore items) {
        this.gate = gate;
        this.beacon = beacon;
        this.items = items;
    }

    @POST
    @Path("/user/create")
    public Map<String, Object> createUser(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/user/create", headers, body)
                .require("program_id", "client_user_id", "user");
        BeaconUser user = beacon.create(req.str("program_id"), req.str("client_user_id"), req.node("user"),
                req.strings("access_tokens"));
        return userJson(user, req.requestId());
    }

    @POST
    @Path("/user/get")
    public Map<String, Object> getUser(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/user/get", headers, body).require("beacon_user_id");
        return userJson(beacon.user(req.str("beacon_user_id")), req.requestId());
    }

    @POST
    @Path("/user/update")
    public Map<String, Object> updateUser(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/user/update", headers, body).require("beacon_user_id");
        BeaconUser user = beacon.update(req.str("beacon_user_id"), req.node("user"), req.strings("access_tokens"));
        return userJson(user, req.requestId());
    }

    @POST
    @Path("/user/review")
    public Map<String, Object> review(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/user/review", headers, body).require("beacon_user_id", "status");
        return userJson(beacon.review(req.str("beacon_user_id"), req.str("status")), req.requestId());
    }

    @POST
    @Path("/report/create")
    public Map<String, Object> createReport(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/report/create", headers, body)
                .require("beacon_user_id", "type", "fraud_date");
        BeaconRecords.Report report = beacon.report(req.str("beacon_user_id"), req.str("type"),
                req.str("fraud_date"), req.node("fraud_amount"));
        return reportJson(report, req.requestId());
    }

    @POST
    @Path("/report/get")
    public Map<String, Object> getReport(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/report/get", headers, body).require("beacon_report_id");
        return reportJson(beacon.getReport(req.str("beacon_report_id")), req.requestId());
    }

    @POST
    @Path("/report_syndication/get")
    public Map<String, Object> getSyndication(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/report_syndication/get", headers, body)
                .require("beacon_report_syndication_id");
        BeaconRecords.Syndication s = beacon.getSyndication(req.str("beacon_report_syndication_id"));
        Map<String, Object> analysis = new java.util.LinkedHashMap<>(s.analysis());
        analysis.put("depository_accounts", List.of());
        return Json.obj("id", s.id(), "beacon_user_id", s.beaconUserId(),
                "report", Json.obj("id", null, "created_at", Json.time(s.reportCreatedAt()), "type", s.reportType(),
                        "fraud_date", s.fraudDate().toString(), "event_date", s.eventDate().toString()),
                "analysis", analysis, "request_id", req.requestId());
    }

    @POST
    @Path("/duplicate/get")
    public Map<String, Object> getDuplicate(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/duplicate/get", headers, body).require("beacon_duplicate_id");
        BeaconRecords.Duplicate d = beacon.getDuplicate(req.str("beacon_duplicate_id"));
        return Json.obj("id", d.id(),
                "beacon_user1", Json.obj("id", d.user1(), "version", d.version1()),
                "beacon_user2", Json.obj("id", d.user2(), "version", d.version2()),
                "analysis", d.analysis(), "request_id", req.requestId());
    }

    @POST
    @Path("/user/account_insights/get")
    public Map<String, Object> accountInsights(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/beacon/user/account_insights/get", headers, body)
                .require("beacon_user_id", "access_token");
        BeaconUser user = beacon.user(req.str("beacon_user_id"));
        Item item = items.byAccessToken(req.str("access_token"));
        if (!user.itemIds.contains(item.itemId())) {
            throw PlaidErrors.invalidField("the Item of access_token is not associated with this Beacon user; "
                    + "add it with /beacon/user/update access_tokens");
        }
        long daysSinceLink = Math.max(0, Duration.between(item.createdAt(), Instant.now()).toDays());
        List<Map<String, Object>> accounts = item.accounts().stream().map(a -> Json.obj(
                "account_id", a.accountId(), "type", a.type(), "subtype", a.subtype(),
                "attributes", attributes(a, daysSinceLink))).toList();
        return Json.obj("beacon_user_id", user.id, "created_at", Json.time(user.createdAt),
                "updated_at", Json.time(user.updatedAt),
                "bank_account_insights", Json.obj("item_id", item.itemId(), "accounts", accounts),
                "request_id", req.requestId());
    }

    /** Deterministic sandbox risk attributes: a long-lived, quiet account. */
    private static Map<String, Object> attributes(Account a, long daysSinceLink) {
        return Json.obj(
                "days_since_first_plaid_connection", daysSinceLink,
                "is_account_closed", false,
                "is_account_frozen_or_restricted", false,
                "total_plaid_connections_count", 1,
                "plaid_connections_count_7d", daysSinceLink < 7 ? 1 : 0,
                "plaid_connections_count_30d", daysSinceLink < 30 ? 1 : 0,
                "failed_plaid_non_oauth_authentication_attempts_count_3d", 0,
                "plaid_non_oauth_authentication_attempts_count_3d", daysSinceLink < 3 ? 1 : 0,
                "failed_plaid_non_oauth_authentication_attempts_count_7d", 0,
                "plaid_non_oauth_authentication_attempts_count_7d", daysSinceLink < 7 ? 1 : 0,
                "failed_plaid_non_oauth_authentication_attempts_count_30d", 0,
                "plaid_non_oauth_authentication_attempts_count_30d", daysSinceLink < 30 ? 1 : 0,
                "distinct_ip_addresses_count_3d", daysSinceLink < 3 ? 1 : 0,
                "distinct_ip_addresses_count_7d", daysSinceLink < 7 ? 1 : 0,
                "distinct_ip_addresses_count_30d", daysSinceLink < 30 ? 1 : 0,
                "distinct_ip_addresses_count_90d", 1,
                "distinct_user_agents_count_3d", daysSinceLink < 3 ? 1 : 0,
                "distinct_user_agents_count_7d", daysSinceLink < 7 ? 1 : 0,
                "distinct_user_agents_count_30d", daysSinceLink < 30 ? 1 : 0,
                "distinct_user_agents_count_90d", 1,
                "address_change_count_28d", 0,
                "email_change_count_28d", 0,
                "phone_change_count_28d", 0,
                "address_change_count_90d", 0,
                "email_change_count_90d", 0,
                "phone_change_count_90d", 0,
                "days_since_account_opening", 1825,
                "days_since_first_observed_transaction", 1800);
    }

    private static Map<String, Object> userJson(BeaconUser u, String requestId) {
        synchronized (u) {
            BeaconUser.Data d = u.data;
            return Json.obj(
                    "item_ids", List.copyOf(u.itemIds),
                    "id", u.id,
                    "version", u.version,
                    "created_at", Json.time(u.createdAt),
                    "updated_at", Json.time(u.updatedAt),
                    "status", u.status,
                    "program_id", u.programId,
                    "client_user_id", u.clientUserId,
                    "user", Json.obj(
                            "date_of_birth", d.dateOfBirth() == null ? null : d.dateOfBirth().toString(),
                            "name", Json.obj("given_name", d.givenName(), "family_name", d.familyName()),
                            "address", d.address() == null ? null : Json.obj("street", d.address().street(),
                                    "street2", d.address().street2(), "city", d.address().city(),
                                    "region", d.address().region(), "postal_code", d.address().postalCode(),
                                    "country", d.address().country()),
                            "email_address", d.email(),
                            "phone_number", d.phone(),
                            "id_number", d.idNumber() == null ? null : Json.obj("value", d.idNumber().value(),
                                    "type", d.idNumber().type()),
                            "ip_address", d.ipAddress(),
                            "depository_accounts", d.accounts().stream().map(x -> Json.obj(
                                    "account_mask", x.mask(), "routing_number", x.routingNumber(),
                                    "added_at", Json.time(x.addedAt()))).toList()),
                    "audit_trail", Json.obj("source", u.auditSource, "dashboard_user_id", null,
                            "timestamp", Json.time(u.auditTimestamp)),
                    "request_id", requestId);
        }
    }

    private static Map<String, Object> reportJson(BeaconRecords.Report r, String requestId) {
        return Json.obj("id", r.id(), "beacon_user_id", r.beaconUserId(), "created_at", Json.time(r.createdAt()),
                "type", r.type(), "fraud_date", r.fraudDate().toString(), "event_date", r.eventDate().toString(),
                "fraud_amount", r.fraudAmount() == null ? null : Json.obj("iso_currency_code", "USD",
                        "value", r.fraudAmount()),
                "audit_trail", Json.obj("source", "api", "dashboard_user_id", null,
                        "timestamp", Json.time(r.createdAt())),
                "request_id", requestId);
    }
}
