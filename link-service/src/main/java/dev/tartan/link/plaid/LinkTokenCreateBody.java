package dev.tartan.link.plaid;

import dev.tartan.link.token.AuthSettings;
import dev.tartan.link.token.LinkTokenSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plaid's {@code /link/token/create} JSON body for a validated {@link LinkTokenSpec}, without credentials and
 * without the access token (the gateway adds that on its own thread). Empty arrays and unset flags are left
 * out so Plaid's account defaults apply. Pure, so the exact wire shape is unit-tested.
 */
public final class LinkTokenCreateBody {

    private LinkTokenCreateBody() {
    }

    public static Map<String, Object> of(LinkTokenSpec spec) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("client_name", spec.clientName());
        body.put("language", spec.language());
        body.put("country_codes", spec.countryCodes());
        body.put("user", Map.of("client_user_id", spec.clientUserId()));
        putList(body, "products", spec.products());
        putList(body, "required_if_supported_products", spec.requiredIfSupportedProducts());
        putList(body, "optional_products", spec.optionalProducts());
        putList(body, "additional_consented_products", spec.additionalConsentedProducts());
        // Plaid ignores webhook in update mode (the Item keeps its own); sending it anyway is harmless and keeps
        // LINK webhooks of the session coming to Tartan
        body.put("webhook", spec.webhookUrl());
        putIf(body, "link_customization_name", spec.linkCustomizationName());
        putIf(body, "redirect_uri", spec.redirectUri());
        putIf(body, "android_package_name", spec.androidPackageName());
        if (!spec.accountFilters().isEmpty()) {
            Map<String, Object> filters = new LinkedHashMap<>();
            spec.accountFilters().forEach((type, subtypes) -> filters.put(type, Map.of("account_subtypes", subtypes)));
            body.put("account_filters", filters);
        }
        switch (spec.flow()) {
            case UPDATE -> body.put("update", Map.of("account_selection_enabled", spec.accountSelectionEnabled()));
            case IDENTITY_DOCUMENT_UPLOAD -> body.put("identity", Map.of(
                    "is_document_upload", true,
                    "account_ids", List.of(spec.documentUploadAccountId()),
                    "parsing_configs", spec.parsingConfigs()));
            default -> {
            }
        }
        if (spec.auth() != null) {
            body.put("auth", auth(spec.auth()));
        }
        return body;
    }

    private static Map<String, Object> auth(AuthSettings a) {
        Map<String, Object> m = new LinkedHashMap<>();
        putIf(m, "auth_type_select_enabled", a.authTypeSelectEnabled());
        putIf(m, "automated_microdeposits_enabled", a.automatedMicrodepositsEnabled());
        putIf(m, "instant_match_enabled", a.instantMatchEnabled());
        putIf(m, "same_day_microdeposits_enabled", a.sameDayMicrodepositsEnabled());
        putIf(m, "instant_microdeposits_enabled", a.instantMicrodepositsEnabled());
        putIf(m, "reroute_to_credentials", a.rerouteToCredentials());
        putIf(m, "sms_microdeposits_verification_enabled", a.smsMicrodepositsVerificationEnabled());
        putIf(m, "database_match_enabled", a.databaseMatchEnabled());
        putIf(m, "database_insights_enabled", a.databaseInsightsEnabled());
        return m;
    }

    private static void putList(Map<String, Object> body, String key, List<String> list) {
        if (list != null && !list.isEmpty()) {
            body.put(key, list);
        }
    }

    private static void putIf(Map<String, Object> body, String key, Object value) {
        if (value != null) {
            body.put(key, value);
        }
    }
}
