package dev.tartan.link.token;

import java.util.Set;

/** Plaid's enumerations that link-service checks before calling {@code /link/token/create} (OpenAPI 2020-09-14). */
public final class PlaidCatalog {

    /** {@code Products} enum values. */
    public static final Set<String> PRODUCTS = Set.of(
            "assets", "auth", "balance", "balance_plus", "beacon", "identity", "identity_match", "investments",
            "investments_auth", "liabilities", "payment_initiation", "identity_verification", "transactions",
            "credit_details", "income", "income_verification", "standing_orders", "transfer", "employment",
            "recurring_transactions", "transactions_refresh", "signal", "statements", "processor_payments",
            "processor_identity", "profile", "cra_base_report", "cra_income_insights", "cra_partner_insights",
            "cra_network_insights", "cra_cashflow_insights", "cra_monitoring", "cra_lend_score",
            "cra_plaid_credit_score", "layer", "pay_by_bank", "protect_linked_bank", "protect_transactions");

    /** Products that cannot initialize Link (they need an existing Item). */
    public static final Set<String> NOT_INITIAL = Set.of("balance");

    /** {@code CountryCode} enum values. */
    public static final Set<String> COUNTRY_CODES = Set.of(
            "US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL", "DK", "NO", "SE", "EE", "LT", "LV", "PT",
            "BE", "AT", "FI");

    /** Languages Link is translated into. */
    public static final Set<String> LANGUAGES = Set.of(
            "da", "nl", "en", "et", "fr", "de", "hi", "it", "lv", "lt", "no", "pl", "pt", "ro", "es", "sv", "vi");

    /** Keys of {@code account_filters}. */
    public static final Set<String> ACCOUNT_FILTER_TYPES = Set.of("depository", "credit", "loan", "investment", "other");

    /** {@code identity.parsing_configs} values. */
    public static final Set<String> PARSING_CONFIGS = Set.of("ocr", "risk_signals");

    /** {@code auth.reroute_to_credentials} values. */
    public static final Set<String> REROUTE_TO_CREDENTIALS = Set.of("OFF", "OPTIONAL", "FORCED");

    /** The only products a Database Insights session may initialize with. */
    public static final Set<String> DATABASE_INSIGHTS_PRODUCTS = Set.of("auth", "transfer");

    private PlaidCatalog() {
    }
}
