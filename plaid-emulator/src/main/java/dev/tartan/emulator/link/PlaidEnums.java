package dev.tartan.emulator.link;

import java.util.Set;

/** Enumerations from Plaid's OpenAPI document that request validation needs. */
public final class PlaidEnums {
    private PlaidEnums() {
    }

    public static final Set<String> PRODUCTS = Set.of("assets", "auth", "balance", "balance_plus", "beacon",
            "identity", "identity_match", "investments", "investments_auth", "liabilities", "payment_initiation",
            "identity_verification", "transactions", "credit_details", "income", "income_verification",
            "standing_orders", "transfer", "employment", "recurring_transactions", "transactions_refresh", "signal",
            "statements", "processor_payments", "processor_identity", "profile", "cra_base_report",
            "cra_income_insights", "cra_partner_insights", "cra_network_insights", "cra_cashflow_insights",
            "cra_monitoring", "cra_lend_score", "cra_plaid_credit_score", "layer", "pay_by_bank",
            "protect_linked_bank", "protect_transactions");

    public static final Set<String> COUNTRY_CODES = Set.of("US", "GB", "ES", "NL", "FR", "IE", "CA", "DE", "IT", "PL",
            "DK", "NO", "SE", "EE", "LT", "LV", "PT", "BE", "AT", "FI");

    public static final Set<String> LANGUAGES = Set.of("da", "nl", "en", "et", "fr", "de", "hi", "it", "lv", "lt",
            "no", "pl", "pt", "ro", "es", "sv", "vi");

    /** Credit (CRA) products: the only ones besides document upload and Beacon allowed in update mode. */
    public static final Set<String> CREDIT_PRODUCTS = Set.of("cra_base_report", "cra_income_insights",
            "cra_partner_insights", "cra_network_insights", "cra_cashflow_insights", "cra_monitoring",
            "cra_lend_score", "cra_plaid_credit_score");

    public static final Set<String> ITEM_REMOVE_REASONS = Set.of("FRAUD_FIRST_PARTY", "FRAUD_FALSE_IDENTITY",
            "FRAUD_ABUSE", "FRAUD_OTHER", "CONNECTION_IS_NON_FUNCTIONAL", "OTHER");
}
