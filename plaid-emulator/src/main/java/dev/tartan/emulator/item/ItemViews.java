package dev.tartan.emulator.item;

import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Plaid's JSON forms of Items and accounts. */
public final class ItemViews {
    /** Products a sandbox credential Item can add later ({@code available_products}). */
    public static final List<String> CREDENTIAL_PRODUCTS = List.of("assets", "auth", "balance", "identity",
            "investments", "liabilities", "signal", "statements", "transactions");

    private ItemViews() {
    }

    /** Plaid's {@code Item} object. */
    public static Map<String, Object> item(Item item) {
        List<String> billed = item.billedProducts();
        Set<String> available = new LinkedHashSet<>(item.manual() ? List.of("signal") : CREDENTIAL_PRODUCTS);
        available.removeAll(billed);
        return Json.obj(
                "available_products", new ArrayList<>(available),
                "billed_products", billed,
                "consent_expiration_time", null,
                "consented_products", item.consentedProducts(),
                "error", item.error() == null ? null : item.error().toEmbedded(),
                "institution_id", item.institution().map(i -> i.institutionId()).orElse(null),
                "institution_name", item.institution().map(i -> i.name()).orElse(null),
                "item_id", item.itemId(),
                "auth_method", item.authMethod(),
                "products", item.consentedProducts(),
                "update_type", "background",
                "webhook", item.webhook());
    }

    /** Plaid's {@code ItemWithConsentFields}: the Item plus consent details ({@code /item/get}). */
    public static Map<String, Object> itemWithConsent(Item item) {
        Map<String, Object> json = item(item);
        json.put("created_at", Json.time(item.createdAt()));
        json.put("consented_use_cases", List.of());
        json.put("consented_data_scopes", dataScopes(item.consentedProducts()));
        return json;
    }

    private static List<String> dataScopes(List<String> products) {
        Set<String> scopes = new LinkedHashSet<>();
        scopes.add("account_balance_info");
        for (String p : products) {
            switch (p) {
                case "auth" -> scopes.add("account_routing_number");
                case "identity" -> scopes.add("contact_info");
                case "transactions" -> scopes.add("transactions");
                case "investments" -> scopes.add("investments");
                case "liabilities" -> scopes.add("credit_loan_info");
                default -> {
                }
            }
        }
        return new ArrayList<>(scopes);
    }

    /** Plaid's {@code AccountBase}; {@code withBalances=false} writes null balances (as {@code /identity/match} does). */
    public static Map<String, Object> account(Account a, boolean withBalances) {
        Map<String, Object> json = Json.obj(
                "account_id", a.accountId(),
                "balances", Json.obj(
                        "available", withBalances ? a.available() : null,
                        "current", withBalances ? a.current() : null,
                        "iso_currency_code", "USD",
                        "limit", withBalances ? a.limit() : null,
                        "unofficial_currency_code", null),
                "holder_category", "personal",
                "mask", a.mask(),
                "name", a.name(),
                "official_name", a.officialName(),
                "subtype", a.subtype(),
                "type", a.type());
        if (a.verificationStatus() != null) {
            json.put("verification_status", a.verificationStatus());
        }
        if (a.databaseInsight() != null) {
            Account.DatabaseInsight di = a.databaseInsight();
            json.put("verification_insights", Json.obj(
                    "account_number_format", di.accountNumberFormat(),
                    "name_match_score", null,
                    "network_status", Json.obj(
                            "has_numbers_match", di.hasNumbersMatch(),
                            "is_numbers_match_verified", di.isNumbersMatchVerified()),
                    "previous_returns", Json.obj(
                            "has_previous_administrative_return", di.hasPreviousAdministrativeReturn())));
        }
        return json;
    }

    /** The accounts selected by {@code options.account_ids} (all when empty); INVALID_ACCOUNT_ID for an unknown id. */
    public static List<Account> select(Item item, List<String> accountIds) {
        if (accountIds.isEmpty()) {
            return item.accounts();
        }
        List<Account> out = new ArrayList<>();
        for (String id : accountIds) {
            out.add(item.account(id).orElseThrow(() -> PlaidErrors.invalidAccountId(id)));
        }
        return out;
    }
}
