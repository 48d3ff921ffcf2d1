package dev.tartan.link.token;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

import java.util.List;
import java.util.Map;

/**
 * What the app backend asks for ({@code POST /link/tokens}). Field names follow Plaid's where they mean the
 * same thing. There is deliberately no {@code webhook} and no {@code access_token}: the webhook comes from
 * configuration and the access token never leaves link-service (update flows name the Item by {@code item_id}).
 *
 * @param flow                     what the token is for; see {@link LinkFlow}
 * @param clientUserId             the app's stable, non-PII user id (Plaid's {@code user.client_user_id})
 * @param itemId                   {@code UPDATE} and {@code IDENTITY_DOCUMENT_UPLOAD}: the Item to open Link for
 * @param accountSelectionEnabled  {@code UPDATE}: ask for account selection; on by itself when the pending re-link asks
 * @param accountId                {@code IDENTITY_DOCUMENT_UPLOAD}: the one account whose statement is uploaded
 * @param parsingConfigs           {@code IDENTITY_DOCUMENT_UPLOAD}: {@code ocr} (default) and/or {@code risk_signals}
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record LinkTokenRequest(
        LinkFlow flow,
        String clientUserId,
        List<String> products,
        List<String> requiredIfSupportedProducts,
        List<String> optionalProducts,
        List<String> additionalConsentedProducts,
        List<String> countryCodes,
        String language,
        Map<String, AccountFilter> accountFilters,
        String linkCustomizationName,
        String redirectUri,
        String androidPackageName,
        String itemId,
        Boolean accountSelectionEnabled,
        String accountId,
        List<String> parsingConfigs,
        AuthSettings auth) {
}
