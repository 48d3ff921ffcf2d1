package dev.tartan.emulator.webhook;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the framework-free {@link WebhookSigner} one shared bean. */
public class SignerProducer {
    @Produces
    @Singleton
    WebhookSigner signer() {
        return new WebhookSigner();
    }
}
