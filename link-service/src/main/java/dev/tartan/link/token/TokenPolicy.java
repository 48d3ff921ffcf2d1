package dev.tartan.link.token;

import java.util.List;
import java.util.Set;

/**
 * The configured side of every Link token (from {@code LinkConfig}); kept as a plain record so the
 * validation rules are testable without Quarkus.
 *
 * @param redirectUris         OAuth redirect URIs registered in the Plaid Dashboard; a token may only use these
 * @param androidPackageNames  Android package names registered in the Plaid Dashboard
 * @param requireHttpsRedirect refuse non-https redirect URIs (Plaid requires https in Production)
 */
public record TokenPolicy(
        String clientName,
        String webhookUrl,
        List<String> defaultCountryCodes,
        String defaultLanguage,
        Set<String> redirectUris,
        Set<String> androidPackageNames,
        boolean requireHttpsRedirect) {
}
