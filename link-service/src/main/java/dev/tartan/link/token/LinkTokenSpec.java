package dev.tartan.link.token;

import java.util.List;
import java.util.Map;

/**
 * A validated, complete Link token request: everything {@code /link/token/create} gets except credentials and
 * (for update flows) the access token, which the gateway adds at call time. Empty lists mean "not sent".
 *
 * @param updateMode the update mode this token serves ({@code null} outside update flows)
 */
public record LinkTokenSpec(
        LinkFlow flow,
        String clientUserId,
        String clientName,
        String webhookUrl,
        List<String> products,
        List<String> requiredIfSupportedProducts,
        List<String> optionalProducts,
        List<String> additionalConsentedProducts,
        List<String> countryCodes,
        String language,
        Map<String, List<String>> accountFilters,
        String linkCustomizationName,
        String redirectUri,
        String androidPackageName,
        String itemId,
        boolean accountSelectionEnabled,
        String documentUploadAccountId,
        List<String> parsingConfigs,
        AuthSettings auth,
        dev.tartan.contracts.link.UpdateMode updateMode) {

    /** Every product the session asks for or collects consent for. */
    public List<String> allProducts() {
        return java.util.stream.Stream.of(products, requiredIfSupportedProducts, optionalProducts, additionalConsentedProducts)
                .flatMap(List::stream).distinct().toList();
    }
}
