package dev.tartan.emulator.beacon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.emulator.api.Ids;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.api.PlaidRequest;
import dev.tartan.emulator.control.Resettable;
import dev.tartan.emulator.control.WebhookFiring;
import dev.tartan.emulator.item.Item;
import dev.tartan.emulator.item.ItemStore;
import dev.tartan.emulator.webhook.WebhookPayloads;
import dev.tartan.emulator.webhook.Webhooks;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Beacon as Plaid's Sandbox behaves: Leslie Knope produces hits ({@code pending_review}, with a network report
 * syndicated to us); other new users are {@code cleared}; a user reported for first-party fraud by us is
 * {@code rejected} at the next screening ({@code /beacon/user/update}); users sharing identifying data in one program
 * are duplicates ({@code pending_review}). Review follows Plaid's rules. Status changes from screening, reports,
 * syndications and duplicates fire BEACON webhooks to the default webhook URL.
 */
@ApplicationScoped
public class BeaconService implements Resettable, WebhookFiring.BeaconIdCheck {
    private static final Logger LOG = Logger.getLogger(BeaconService.class);
    static final Set<String> STATUSES = Set.of("rejected", "pending_review", "cleared");
    static final Set<String> REPORT_TYPES = Set.of("first_party", "stolen", "synthetic", "account_takeover",
            "data_breach", "unknown");

    private final Map<String, BeaconUser> users = new ConcurrentHashMap<>();
    private final Map<String, BeaconRecords.Report> reports = new ConcurrentHashMap<>();
    private final Map<String, BeaconRecords.Syndication> syndications = new ConcurrentHashMap<>();
    private final Map<String, BeaconRecords.Duplicate> duplicates = new ConcurrentHashMap<>();
    private final ItemStore items;
    private final Webhooks webhooks;

    public BeaconService(ItemStore items, Webhooks webhooks) {
        this.items = items;
        this.webhooks = webhooks;
    }

    @Override
    public void reset() {
        users.clear();
        reports.clear();
        syndications.clear();
        duplicates.clear();
    }

    @Override
    public boolean exists(String idField, String id) {
        return switch (idField) {
            case "beacon_user_id" -> users.containsKey(id);
            case "beacon_report_id" -> reports.containsKey(id);
            case "beacon_report_syndication_id" -> syndications.containsKey(id);
            case "beacon_duplicate_id" -> duplicates.containsKey(id);
            default -> false;
        };
    }

    // ---------- users ----------

    BeaconUser create(String programId, String clientUserId, JsonNode userNode, List<String> accessTokens) {
        if (!programId.startsWith("becprg_")) {
            throw PlaidErrors.invalidField("program_id must be a Beacon program id (becprg_...)");
        }
        if (clientUserId.isEmpty()) {
            throw PlaidErrors.invalidField("client_user_id must not be empty");
        }
        BeaconUser.Data data = parse(userNode, null);
        if (data.dateOfBirth() == null && data.accounts().isEmpty()) {
            throw PlaidErrors.invalidField("user must include either date_of_birth or depository_accounts");
        }
        List<String> itemIds = itemIds(accessTokens);
        Instant now = Instant.now();
        BeaconUser user = new BeaconUser(Ids.beacon("becusr"), programId, clientUserId, now, data);
        user.itemIds.addAll(itemIds);
        user.versions.add(1);
        users.put(user.id, user);
        synchronized (user) {
            user.status = screen(user, true);
        }
        LOG.infof("beacon user %s created: %s", user.id, user.status);
        return user;
    }

    BeaconUser update(String beaconUserId, JsonNode userNode, List<String> accessTokens) {
        BeaconUser user = user(beaconUserId);
        if ((userNode == null || !userNode.isObject() || userNode.isEmpty())
                && (accessTokens == null || accessTokens.isEmpty())) {
            throw PlaidErrors.invalidField("provide at least one field of user, or access_tokens");
        }
        List<String> itemIds = itemIds(accessTokens);
        String before;
        String after;
        synchronized (user) {
            if (userNode != null && userNode.isObject() && !userNode.isEmpty()) {
                user.data = parse(userNode, user.data);
            }
            user.itemIds.addAll(itemIds);
            user.version++;
            user.versions.add(user.version);
            user.updatedAt = Instant.now();
            user.auditTimestamp = user.updatedAt;
            user.auditSource = "api";
            before = user.status;
            after = screen(user, false);
            user.status = after;
        }
        if (!before.equals(after)) {
            fire("USER_STATUS_UPDATED", user.id);
        }
        LOG.infof("beacon user %s updated (v%d): %s -> %s", user.id, user.version, before, after);
        return user;
    }

    /**
     * Plaid's review rules: {@code rejected} needs a report on the user (or a confirmed syndication);
     * {@code cleared} needs no active report on the user; {@code pending_review} is always allowed.
     */
    BeaconUser review(String beaconUserId, String status) {
        if (!STATUSES.contains(status)) {
            throw PlaidErrors.invalidField("status must be one of rejected, pending_review, cleared");
        }
        BeaconUser user = user(beaconUserId);
        boolean hasReport = reports.values().stream().anyMatch(r -> r.beaconUserId().equals(user.id));
        if (status.equals("rejected") && !hasReport) {
            throw PlaidErrors.invalidField("a Beacon user can only be rejected when a fraud report exists for it "
                    + "(create one with /beacon/report/create) or a syndicated report was confirmed");
        }
        if (status.equals("cleared") && hasReport) {
            throw PlaidErrors.invalidField("a Beacon user with an active fraud report cannot be cleared; remove "
                    + "the report first");
        }
        synchronized (user) {
            user.status = status;
            user.updatedAt = Instant.now();
            user.auditTimestamp = user.updatedAt;
            user.auditSource = "api";
        }
        return user;
    }

    BeaconUser user(String id) {
        BeaconUser user = id == null ? null : users.get(id);
        if (user == null) {
            throw new PlaidException(400, "INVALID_INPUT", "INVALID_BEACON_USER_ID",
                    "beacon_user_id " + id + " does not exist", null);
        }
        return user;
    }

    /**
     * Screens a user against our own reports, the network (Leslie Knope) and the program's other users; creates the
     * syndications and duplicates found (each only once) and fires their webhooks.
     */
    private String screen(BeaconUser user, boolean creating) {
        boolean ownFirstParty = reports.values().stream().anyMatch(r -> r.type().equals("first_party")
                && (r.beaconUserId().equals(user.id) || sharesData(user, users.get(r.beaconUserId()))));
        boolean hit = false;
        if (BeaconScreening.isLeslieKnope(user.data)) {
            hit = true;
            boolean already = syndications.values().stream().anyMatch(s -> s.beaconUserId().equals(user.id));
            if (!already) {
                LocalDate fraudDate = LocalDate.now(ZoneOffset.UTC).minusDays(30);
                BeaconRecords.Syndication s = new BeaconRecords.Syndication(Ids.beacon("becrsn"), user.id,
                        Instant.now().minusSeconds(86_400L * 7), "stolen", fraudDate, fraudDate.plusDays(3),
                        BeaconScreening.analysis(user.data, BeaconScreening.LESLIE_KNOPE));
                syndications.put(s.id(), s);
                fire("REPORT_SYNDICATION_CREATED", s.id());
            }
        }
        for (BeaconUser other : users.values()) {
            if (other == user || !other.programId.equals(user.programId) || !sharesData(user, other)) {
                continue;
            }
            hit = true;
            boolean known = duplicates.values().stream().anyMatch(d -> Set.of(d.user1(), d.user2())
                    .equals(Set.of(user.id, other.id)));
            if (!known) {
                BeaconRecords.Duplicate d = new BeaconRecords.Duplicate(Ids.beacon("becdup"), other.id,
                        other.version, user.id, user.version, BeaconScreening.analysis(user.data, other.data));
                duplicates.put(d.id(), d);
                fire("DUPLICATE_DETECTED", d.id());
            }
        }
        if (ownFirstParty) {
            return "rejected";
        }
        if (hit) {
            return "rejected".equals(user.status) ? "rejected" : "pending_review";
        }
        return creating ? "cleared" : user.status;
    }

    private static boolean sharesData(BeaconUser a, BeaconUser b) {
        return b != null && a != b && BeaconScreening.sharesIdentifyingData(a.data, b.data);
    }

    private List<String> itemIds(List<String> accessTokens) {
        List<String> out = new ArrayList<>();
        if (accessTokens != null) {
            for (String token : accessTokens) {
                Item item = items.byAccessToken(token);
                out.add(item.itemId());
            }
        }
        return out;
    }

    // ---------- reports, syndications, duplicates ----------

    BeaconRecords.Report report(String beaconUserId, String type, String fraudDate, JsonNode amount) {
        BeaconUser user = user(beaconUserId);
        if (!REPORT_TYPES.contains(type)) {
            throw PlaidErrors.invalidField("type must be one of " + REPORT_TYPES);
        }
        LocalDate date = date(fraudDate, "fraud_date");
        Double value = null;
        if (amount != null && amount.isObject()) {
            if (!"USD".equals(PlaidRequest.text(amount, "iso_currency_code"))) {
                throw PlaidErrors.invalidField("fraud_amount.iso_currency_code must be USD");
            }
            JsonNode v = amount.get("value");
            if (v == null || !v.isNumber() || v.asDouble() < 0) {
                throw PlaidErrors.invalidField("fraud_amount.value must be a non-negative number");
            }
            value = v.asDouble();
        }
        BeaconRecords.Report report = new BeaconRecords.Report(Ids.beacon("becrpt"), user.id, Instant.now(), type,
                date, LocalDate.now(ZoneOffset.UTC), value);
        reports.put(report.id(), report);
        fire("REPORT_CREATED", report.id());
        LOG.infof("beacon report %s (%s) on %s", report.id(), type, user.id);
        return report;
    }

    BeaconRecords.Report getReport(String id) {
        return Optional.ofNullable(id == null ? null : reports.get(id)).orElseThrow(() -> new PlaidException(400,
                "INVALID_INPUT", "INVALID_BEACON_REPORT_ID", "beacon_report_id " + id + " does not exist", null));
    }

    BeaconRecords.Syndication getSyndication(String id) {
        return Optional.ofNullable(id == null ? null : syndications.get(id)).orElseThrow(() ->
                new PlaidException(400, "INVALID_INPUT", "INVALID_BEACON_REPORT_SYNDICATION_ID",
                        "beacon_report_syndication_id " + id + " does not exist", null));
    }

    BeaconRecords.Duplicate getDuplicate(String id) {
        return Optional.ofNullable(id == null ? null : duplicates.get(id)).orElseThrow(() ->
                new PlaidException(400, "INVALID_INPUT", "INVALID_BEACON_DUPLICATE_ID",
                        "beacon_duplicate_id " + id + " does not exist", null));
    }

    private void fire(String code, String id) {
        webhooks.toDefault(WebhookPayloads.beacon(code, id, webhooks.environment()));
    }

    // ---------- parsing ----------

    private static BeaconUser.Data parse(JsonNode u, BeaconUser.Data base) {
        if (u == null || !u.isObject()) {
            if (base != null) {
                return base;
            }
            throw PlaidErrors.missingFields(List.of("user"));
        }
        String given = base == null ? null : base.givenName();
        String family = base == null ? null : base.familyName();
        JsonNode name = u.get("name");
        if (name != null && !name.isNull()) {
            given = PlaidRequest.text(name, "given_name");
            family = PlaidRequest.text(name, "family_name");
            if (given == null || family == null) {
                throw PlaidErrors.missingFields(List.of("user.name.given_name", "user.name.family_name"));
            }
        } else if (base == null) {
            throw PlaidErrors.missingFields(List.of("user.name"));
        }
        LocalDate dob = u.hasNonNull("date_of_birth") ? date(u.get("date_of_birth").asText(), "date_of_birth")
                : base == null ? null : base.dateOfBirth();
        BeaconUser.Address address = base == null ? null : base.address();
        JsonNode a = u.get("address");
        if (a != null && !a.isNull()) {
            String street = PlaidRequest.text(a, "street");
            String city = PlaidRequest.text(a, "city");
            String country = PlaidRequest.text(a, "country");
            if (street == null || city == null || country == null) {
                throw PlaidErrors.missingFields(List.of("user.address.street", "user.address.city",
                        "user.address.country"));
            }
            address = new BeaconUser.Address(street, PlaidRequest.text(a, "street2"), city,
                    PlaidRequest.text(a, "region"), PlaidRequest.text(a, "postal_code"), country);
        }
        BeaconUser.IdNumber idNumber = base == null ? null : base.idNumber();
        JsonNode id = u.get("id_number");
        if (id != null && !id.isNull()) {
            String value = PlaidRequest.text(id, "value");
            String type = PlaidRequest.text(id, "type");
            if (value == null || type == null) {
                throw PlaidErrors.missingFields(List.of("user.id_number.value", "user.id_number.type"));
            }
            idNumber = new BeaconUser.IdNumber(value, type);
        }
        List<BeaconUser.DepositoryAccount> accounts = new ArrayList<>(base == null ? List.of() : base.accounts());
        JsonNode deps = u.get("depository_accounts");
        if (deps != null && deps.isArray()) {
            for (JsonNode d : deps) {
                String number = PlaidRequest.text(d, "account_number");
                String routing = PlaidRequest.text(d, "routing_number");
                if (number == null || routing == null) {
                    throw PlaidErrors.missingFields(List.of("user.depository_accounts.account_number",
                            "user.depository_accounts.routing_number"));
                }
                boolean known = accounts.stream().anyMatch(x -> x.accountNumber().equals(number)
                        && x.routingNumber().equals(routing));
                if (!known) {
                    accounts.add(new BeaconUser.DepositoryAccount(number, routing, Instant.now()));
                }
            }
        }
        return new BeaconUser.Data(given, family, dob, address,
                u.has("email_address") ? PlaidRequest.text(u, "email_address") : base == null ? null : base.email(),
                u.has("phone_number") ? PlaidRequest.text(u, "phone_number") : base == null ? null : base.phone(),
                idNumber,
                u.has("ip_address") ? PlaidRequest.text(u, "ip_address") : base == null ? null : base.ipAddress(),
                List.copyOf(accounts));
    }

    private static LocalDate date(String value, String field) {
        try {
            return LocalDate.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw PlaidErrors.invalidField(field + " must be a date (YYYY-MM-DD)");
        }
    }
}
