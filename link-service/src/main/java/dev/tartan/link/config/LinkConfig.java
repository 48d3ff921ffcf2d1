package dev.tartan.link.config;

import dev.tartan.link.token.TokenPolicy;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/** Settings of link-service (prefix {@code tartan.link}). */
@ConfigMapping(prefix = "tartan.link")
public interface LinkConfig {

    /** The app's name as Link shows it ({@code client_name}); over 30 characters Link shows "This Application". */
    @WithDefault("Tartan")
    String clientName();

    /**
     * Where Plaid sends the webhooks of Items and Link sessions created with our tokens ({@code webhook}):
     * webhook-ingest's public URL. Never taken from the caller.
     */
    @WithDefault("http://localhost:8081/plaid/webhooks")
    String webhookUrl();

    /** Country codes used when a token request names none. */
    @WithDefault("US")
    List<String> defaultCountryCodes();

    /** Link language used when a token request names none. */
    @WithDefault("en")
    String defaultLanguage();

    /**
     * OAuth redirect URIs registered in the Plaid Dashboard; a token request's {@code redirect_uri} must be one of
     * them exactly (no query string, https).
     */
    @WithDefault("https://app.tartan.example/plaid/oauth-return")
    Set<String> redirectUris();

    /** Android package names registered in the Plaid Dashboard for OAuth app-to-app returns. */
    @WithDefault("dev.tartan.app")
    Set<String> androidPackageNames();

    /** Refuse http redirect URIs (Plaid requires https in Production). http on localhost is always allowed. */
    @WithDefault("true")
    boolean requireHttpsRedirect();

    /** Longest time range one conversion report may cover. */
    @WithDefault("P93D")
    Duration maxReportRange();

    /**
     * How long an exchange that Plaid answers {@code INVALID_PUBLIC_TOKEN} waits for a twin to store its result. The
     * app's onSuccess call and the {@code ITEM_ADD_RESULT} webhook race for the same one-time token: the loser's Plaid
     * call fails while the winner is still between its own Plaid answer and its commit. Past this wait the error is
     * Plaid's (a token really expired, or used by someone else).
     */
    @WithDefault("10s")
    Duration exchangeTwinWait();

    default TokenPolicy tokenPolicy() {
        return new TokenPolicy(clientName(), webhookUrl(), defaultCountryCodes(), defaultLanguage(), redirectUris(),
                androidPackageNames(), requireHttpsRedirect());
    }
}
