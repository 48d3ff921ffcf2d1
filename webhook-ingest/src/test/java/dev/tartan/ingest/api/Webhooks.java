package dev.tartan.ingest.api;

import java.util.List;

/** One example body per webhook of REFERENCE 2, pretty-printed with two spaces as Plaid sends them. */
final class Webhooks {

    record Example(String type, String code, String key, String body) {
    }

    static String body(String type, String code, String idField, String id) {
        return "{\n  \"webhook_type\": \"" + type + "\",\n  \"webhook_code\": \"" + code + "\",\n"
                + (idField == null ? "" : "  \"" + idField + "\": \"" + id + "\",\n")
                + "  \"environment\": \"sandbox\"\n}";
    }

    static List<Example> all(String suffix) {
        String item = "item-" + suffix;
        List<String[]> specs = List.of(
                new String[] {"ITEM", "ERROR", "item_id", item},
                new String[] {"ITEM", "LOGIN_REPAIRED", "item_id", item},
                new String[] {"ITEM", "NEW_ACCOUNTS_AVAILABLE", "item_id", item},
                new String[] {"ITEM", "PENDING_EXPIRATION", "item_id", item},
                new String[] {"ITEM", "PENDING_DISCONNECT", "item_id", item},
                new String[] {"ITEM", "USER_PERMISSION_REVOKED", "item_id", item},
                new String[] {"ITEM", "USER_ACCOUNT_REVOKED", "item_id", item},
                new String[] {"ITEM", "WEBHOOK_UPDATE_ACKNOWLEDGED", "item_id", item},
                new String[] {"IDENTITY", "DEFAULT_UPDATE", "item_id", item},
                new String[] {"IDENTITY", "PRODUCT_PERMISSIONS_REQUIRED", "item_id", item},
                new String[] {"IDENTITY", "DOCUMENT_UPDATE_AVAILABLE", "item_id", item},
                new String[] {"BEACON", "USER_STATUS_UPDATED", "beacon_user_id", "becusr_" + suffix},
                new String[] {"BEACON", "REPORT_CREATED", "beacon_report_id", "becrpt_" + suffix},
                new String[] {"BEACON", "REPORT_UPDATED", "beacon_report_id", "becrpt_" + suffix},
                new String[] {"BEACON", "REPORT_SYNDICATION_CREATED", "beacon_report_syndication_id", "becrsn_" + suffix},
                new String[] {"BEACON", "DUPLICATE_DETECTED", "beacon_duplicate_id", "becdup_" + suffix},
                new String[] {"LINK", "SESSION_FINISHED", "link_session_id", "ls-" + suffix},
                new String[] {"LINK", "ITEM_ADD_RESULT", "link_session_id", "ls-" + suffix},
                new String[] {"LINK", "EVENTS", "link_session_id", "ls-" + suffix},
                new String[] {"AUTH", "AUTOMATICALLY_VERIFIED", "item_id", item},
                new String[] {"AUTH", "VERIFICATION_EXPIRED", "item_id", item},
                new String[] {"AUTH", "DEFAULT_UPDATE", "item_id", item},
                new String[] {"AUTH", "PRODUCT_PERMISSIONS_REQUIRED", "item_id", item},
                new String[] {"AUTH", "SMS_MICRODEPOSITS_VERIFICATION", "item_id", item},
                new String[] {"TRANSACTIONS", "SYNC_UPDATES_AVAILABLE", "item_id", item},
                new String[] {"TRANSACTIONS", "DEFAULT_UPDATE", "item_id", item},
                new String[] {"TRANSACTIONS", "INITIAL_UPDATE", "item_id", item},
                new String[] {"TRANSACTIONS", "HISTORICAL_UPDATE", "item_id", item},
                new String[] {"TRANSACTIONS", "TRANSACTIONS_REMOVED", "item_id", item},
                new String[] {"TRANSACTIONS", "RECURRING_TRANSACTIONS_UPDATE", "item_id", item},
                new String[] {"INCOME", "PRODUCT_READY", "item_id", item});
        return specs.stream().map(s -> new Example(s[0], s[1], s[3], body(s[0], s[1], s[2], s[3]))).toList();
    }

    private Webhooks() {
    }
}
