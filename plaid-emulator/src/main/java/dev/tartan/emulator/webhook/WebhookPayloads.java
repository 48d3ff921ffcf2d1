package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.item.Account;
import dev.tartan.emulator.item.Item;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Default bodies of every webhook type/code in REFERENCE §2, with the fields Plaid's schemas require. The control API
 * merges caller-given fields over these.
 */
public final class WebhookPayloads {
    /** Every type/code the emulator can fire (REFERENCE §2). */
    public static final Map<String, Set<String>> CATALOGUE = Map.of(
            "ITEM", Set.of("ERROR", "LOGIN_REPAIRED", "NEW_ACCOUNTS_AVAILABLE", "PENDING_EXPIRATION",
                    "PENDING_DISCONNECT", "USER_PERMISSION_REVOKED", "USER_ACCOUNT_REVOKED",
                    "WEBHOOK_UPDATE_ACKNOWLEDGED"),
            "IDENTITY", Set.of("DEFAULT_UPDATE", "PRODUCT_PERMISSIONS_REQUIRED", "DOCUMENT_UPDATE_AVAILABLE"),
            "BEACON", Set.of("USER_STATUS_UPDATED", "REPORT_CREATED", "REPORT_UPDATED",
                    "REPORT_SYNDICATION_CREATED", "DUPLICATE_DETECTED"),
            "LINK", Set.of("SESSION_FINISHED", "ITEM_ADD_RESULT", "EVENTS"),
            "AUTH", Set.of("AUTOMATICALLY_VERIFIED", "VERIFICATION_EXPIRED", "DEFAULT_UPDATE",
                    "PRODUCT_PERMISSIONS_REQUIRED", "SMS_MICRODEPOSITS_VERIFICATION"),
            "TRANSACTIONS", Set.of("SYNC_UPDATES_AVAILABLE", "DEFAULT_UPDATE", "INITIAL_UPDATE", "HISTORICAL_UPDATE",
                    "TRANSACTIONS_REMOVED", "RECURRING_TRANSACTIONS_UPDATE"),
            "ASSETS", Set.of("PRODUCT_READY", "ERROR"));

    private WebhookPayloads() {
    }

    public static boolean known(String type, String code) {
        return CATALOGUE.getOrDefault(type, Set.of()).contains(code);
    }

    /** Common Item-scoped envelope. */
    public static Map<String, Object> itemEnvelope(String type, String code, Item item, String environment) {
        return Json.obj("webhook_type", type, "webhook_code", code, "item_id", item.itemId(),
                "environment", environment);
    }

    public static Map<String, Object> itemError(Item item, PlaidException error, String environment) {
        Map<String, Object> body = itemEnvelope("ITEM", "ERROR", item, environment);
        body.put("error", error.toEmbedded());
        return body;
    }

    /**
     * The default body of an Item-scoped webhook. {@code item} must not be null.
     */
    public static Map<String, Object> forItem(String type, String code, Item item, String environment) {
        Map<String, Object> body = itemEnvelope(type, code, item, environment);
        String firstAccount = item.accounts().isEmpty() ? null : item.accounts().get(0).accountId();
        Instant inSevenDays = Instant.now().plus(7, ChronoUnit.DAYS);
        switch (type + ":" + code) {
            case "ITEM:ERROR" -> body.put("error", PlaidErrors.itemLoginRequired().toEmbedded());
            case "ITEM:NEW_ACCOUNTS_AVAILABLE", "ITEM:LOGIN_REPAIRED" -> body.put("error", null);
            case "ITEM:PENDING_EXPIRATION" -> body.put("consent_expiration_time", Json.time(inSevenDays));
            case "ITEM:PENDING_DISCONNECT" -> {
                body.put("reason", "INSTITUTION_TOKEN_EXPIRATION");
                body.put("disconnect_time", Json.time(inSevenDays));
            }
            case "ITEM:USER_PERMISSION_REVOKED" -> body.put("error", new PlaidException(400, "ITEM_ERROR",
                    "USER_PERMISSION_REVOKED", "the user has revoked access to this item",
                    "The user has revoked access to this Item.").toEmbedded());
            case "ITEM:USER_ACCOUNT_REVOKED" -> body.put("account_id", firstAccount);
            case "ITEM:WEBHOOK_UPDATE_ACKNOWLEDGED" -> {
                body.put("new_webhook_url", item.webhook());
                body.put("error", null);
            }
            case "IDENTITY:DEFAULT_UPDATE" -> {
                body.put("account_ids_with_updated_identity",
                        firstAccount == null ? Map.of() : Map.of(firstAccount, List.of("ADDRESSES")));
                body.put("error", null);
            }
            case "IDENTITY:DOCUMENT_UPDATE_AVAILABLE" -> body.put("document_status", "OCR_PROCESSING_COMPLETE");
            case "AUTH:AUTOMATICALLY_VERIFIED", "AUTH:VERIFICATION_EXPIRED" -> {
                body.put("account_id", firstAccount);
                body.put("error", null);
            }
            case "AUTH:DEFAULT_UPDATE" -> {
                body.put("account_ids_with_new_auth", List.of());
                body.put("account_ids_with_updated_auth",
                        firstAccount == null ? Map.of() : Map.of(firstAccount, List.of("ACCOUNT_NUMBER")));
                body.put("error", null);
            }
            case "AUTH:SMS_MICRODEPOSITS_VERIFICATION" -> {
                body.put("account_id", firstAccount);
                body.put("status", "MANUALLY_VERIFIED");
            }
            case "TRANSACTIONS:SYNC_UPDATES_AVAILABLE" -> {
                body.put("initial_update_complete", true);
                body.put("historical_update_complete", true);
            }
            case "TRANSACTIONS:DEFAULT_UPDATE", "TRANSACTIONS:INITIAL_UPDATE", "TRANSACTIONS:HISTORICAL_UPDATE" -> {
                body.put("new_transactions", 0);
                body.put("error", null);
            }
            case "TRANSACTIONS:TRANSACTIONS_REMOVED" -> {
                body.put("removed_transactions", List.of());
                body.put("error", null);
            }
            case "TRANSACTIONS:RECURRING_TRANSACTIONS_UPDATE" -> body.put("account_ids",
                    item.accounts().stream().map(Account::accountId).toList());
            case "ASSETS:PRODUCT_READY" -> {
                body.remove("item_id");
                body.put("asset_report_id", "asset-report-" + java.util.UUID.randomUUID());
                body.put("report_type", "FULL");
            }
            case "ASSETS:ERROR" -> {
                body.remove("item_id");
                body.put("asset_report_id", "asset-report-" + java.util.UUID.randomUUID());
                body.put("error", new PlaidException(400, "ASSET_REPORT_ERROR", "PRODUCT_NOT_ENABLED",
                        "the asset report could not be generated (sandbox)", null).toEmbedded());
            }
            default -> {
                // IDENTITY/AUTH PRODUCT_PERMISSIONS_REQUIRED: the envelope is the whole body
            }
        }
        return body;
    }

    /** A BEACON webhook: no item_id, one id field named after what changed. */
    public static Map<String, Object> beacon(String code, String id, String environment) {
        String field = switch (code) {
            case "USER_STATUS_UPDATED" -> "beacon_user_id";
            case "REPORT_CREATED", "REPORT_UPDATED" -> "beacon_report_id";
            case "REPORT_SYNDICATION_CREATED" -> "beacon_report_syndication_id";
            case "DUPLICATE_DETECTED" -> "beacon_duplicate_id";
            default -> throw new IllegalArgumentException("not a BEACON code: " + code);
        };
        return Json.obj("webhook_type", "BEACON", "webhook_code", code, field, id, "environment", environment);
    }

    /** The id field a BEACON code carries. */
    public static String beaconIdField(String code) {
        return (String) beacon(code, "x", "x").keySet().toArray()[2];
    }
}
