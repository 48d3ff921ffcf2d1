package dev.tartan.emulator.link;

import dev.tartan.emulator.api.PlaidErrors;

import java.net.URI;

/** Webhook URL validation shared by the endpoints that take one. */
public final class LinkUrls {
    private LinkUrls() {
    }

    /** INVALID_FIELD unless {@code url} is an absolute http(s) URL with a host. */
    public static void check(String url) {
        try {
            URI uri = URI.create(url);
            if (uri.getScheme() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))
                    || uri.getHost() == null) {
                throw PlaidErrors.invalidField("webhook must be a valid http(s) URL");
            }
        } catch (IllegalArgumentException e) {
            throw PlaidErrors.invalidField("webhook must be a valid http(s) URL");
        }
    }
}
