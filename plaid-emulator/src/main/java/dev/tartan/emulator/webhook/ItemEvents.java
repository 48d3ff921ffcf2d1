package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidException;
import dev.tartan.emulator.item.Item;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Item-scoped webhooks together with the Item state they announce, so {@code /item/get} agrees with what was sent
 * (an ITEM ERROR leaves the Item in that error; LOGIN_REPAIRED clears it; USER_PERMISSION_REVOKED sets it).
 */
@ApplicationScoped
public class ItemEvents {
    private final Webhooks webhooks;

    public ItemEvents(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** {@code /sandbox/item/reset_login}: ITEM_LOGIN_REQUIRED plus ITEM ERROR. */
    public Optional<WebhookDelivery> loginRequired(Item item) {
        PlaidException error = PlaidErrors.itemLoginRequired();
        item.error(error);
        return webhooks.toItem(item, WebhookPayloads.itemError(item, error, webhooks.environment()));
    }

    /**
     * Fires {@code type}/{@code code} for {@code item} with {@code extra} fields merged over the defaults, and applies
     * the state change the webhook announces.
     */
    public Optional<WebhookDelivery> fire(Item item, String type, String code, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(WebhookPayloads.forItem(type, code, item,
                webhooks.environment()));
        body.putAll(extra);
        applyState(item, type, code, body);
        return webhooks.toItem(item, body);
    }

    @SuppressWarnings("unchecked")
    private static void applyState(Item item, String type, String code, Map<String, Object> body) {
        if ("AUTH".equals(type)) {
            applyAuthState(item, code, body);
            return;
        }
        if (!"ITEM".equals(type)) {
            return;
        }
        switch (code) {
            case "ERROR", "USER_PERMISSION_REVOKED" -> {
                Object error = body.get("error");
                if (error instanceof Map<?, ?> map) {
                    Map<String, Object> e = (Map<String, Object>) map;
                    item.error(new PlaidException(400, String.valueOf(e.getOrDefault("error_type", "ITEM_ERROR")),
                            String.valueOf(e.get("error_code")), String.valueOf(e.get("error_message")),
                            (String) e.get("display_message")));
                }
            }
            case "LOGIN_REPAIRED" -> item.error(null);
            default -> {
            }
        }
    }

    /**
     * AUTH webhooks and what {@code /auth/get} says afterwards: AUTOMATICALLY_VERIFIED and VERIFICATION_EXPIRED settle an
     * account whose automated micro-deposits are pending ({@code account_id}); DEFAULT_UPDATE gives every account listed
     * with ACCOUNT_NUMBER in {@code account_ids_with_updated_auth} a new account number.
     */
    private static void applyAuthState(Item item, String code, Map<String, Object> body) {
        switch (code) {
            case "AUTOMATICALLY_VERIFIED", "VERIFICATION_EXPIRED" -> {
                Object accountId = body.get("account_id");
                String status = code.equals("AUTOMATICALLY_VERIFIED") ? "automatically_verified" : "verification_expired";
                item.account(String.valueOf(accountId))
                        .filter(a -> "pending_automatic_verification".equals(a.verificationStatus()))
                        .ifPresent(a -> item.replaceAccount(a.withVerificationStatus(status)));
            }
            case "DEFAULT_UPDATE" -> {
                if (body.get("account_ids_with_updated_auth") instanceof Map<?, ?> updated) {
                    updated.forEach((accountId, kinds) -> {
                        if (kinds instanceof java.util.Collection<?> c && c.contains("ACCOUNT_NUMBER")) {
                            item.account(String.valueOf(accountId)).filter(a -> a.accountNumber() != null)
                                    .ifPresent(a -> item.replaceAccount(a.withAccountNumber(nextNumber(a.accountNumber()))));
                        }
                    });
                }
            }
            default -> {
            }
        }
    }

    /** A different account number of the same length (the last four digits move on by one). */
    static String nextNumber(String number) {
        if (!number.matches("\\d+")) {
            return number + "1";
        }
        int tail = Math.min(4, number.length());
        String head = number.substring(0, number.length() - tail);
        int mod = (int) Math.pow(10, tail);
        int next = (Integer.parseInt(number.substring(number.length() - tail)) + 1) % mod;
        return head + String.format("%0" + tail + "d", next);
    }
}
