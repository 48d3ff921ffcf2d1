package dev.tartan.ingest.verification;

import dev.tartan.ingest.IngestConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Wires the verifier, the provider and the key cache together. {@link #verify} runs the cheap checks at once, then
 * waits (asynchronously) for the key, then checks the signature on the thread that delivered the key: the calling
 * event loop when the key is cached (the common case: an ES256 verify costs about 50 µs with a native provider),
 * the key source's thread right after a fetch.
 */
@io.quarkus.runtime.Startup
@ApplicationScoped
public class VerificationService {

    private static final Logger LOG = Logger.getLogger(VerificationService.class);

    /** A delivery whose JWT verified against its raw body. */
    public record Verified(WebhookVerifier.Token token) {
    }

    private final WebhookVerifier verifier;
    private final KeyCache keys;
    private final SignatureProviders.Choice provider;
    private final Clock clock;

    public VerificationService(IngestConfig config, MeterRegistry registry, Instance<KeyFetcher> plaidFetcher) {
        this.clock = Clock.systemUTC();
        this.provider = SignatureProviders.choose(config.verification().provider());
        LOG.infof("webhook signature verification uses provider: %s", provider.name());
        this.verifier = new WebhookVerifier(config.verification().maxAge(), config.verification().maxFutureSkew());
        KeyFetcher fetcher;
        if (config.verification().staticKeysFile().isPresent()) {
            String file = config.verification().staticKeysFile().get();
            LOG.warnf("verification keys come from the static file %s, not from Plaid (benchmark/offline mode)", file);
            fetcher = new StaticKeysFetcher(Path.of(file), provider.provider());
        } else {
            fetcher = plaidFetcher.get();
        }
        Map<KeyCache.FetchOutcome, Counter> fetches = new EnumMap<>(KeyCache.FetchOutcome.class);
        for (KeyCache.FetchOutcome o : KeyCache.FetchOutcome.values()) {
            fetches.put(o, Counter.builder("tartan_ingest_key_fetches_total").tag("outcome", o.name().toLowerCase())
                    .description("verification key fetches by outcome (throttled: refused by the fetch budget)").register(registry));
        }
        IngestConfig.Keys k = config.keys();
        this.keys = new KeyCache(fetcher, clock, k.refreshAfter(), k.negativeTtl(), k.fetchTimeout(), k.maxConcurrentFetches(),
                k.fetchesPerSecond(), k.fetchBurst(), k.maxEntries(), o -> fetches.get(o).increment());
    }

    /** The signature provider in use. */
    public String providerName() {
        return provider.name();
    }

    public java.security.Provider provider() {
        return provider.provider();
    }

    public KeyCache keys() {
        return keys;
    }

    /** Completes with the verified token or fails with a {@link WebhookRejectedException}. */
    public CompletableFuture<Verified> verify(String header, byte[] body) {
        WebhookVerifier.Token token;
        try {
            token = verifier.precheck(header, body, clock.instant());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return keys.get(token.kid()).thenApply(key -> {
            verifier.verifySignature(token, key);
            return new Verified(token);
        });
    }
}
