package dev.tartan.ingest.verification;

import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * Verification keys by {@code kid} (REFERENCE 1.5, hardened):
 * <ul>
 *   <li>a known key is served from memory; after {@code refreshAfter} it is re-fetched in the background (to learn
 *       an {@code expired_at}) while the cached copy keeps serving;</li>
 *   <li>when a new kid is learned, every cached key that is not yet expired is re-fetched too (Plaid's sample logic:
 *       a rotation is when old keys get their {@code expired_at});</li>
 *   <li>a key with {@code expired_at} is refused;</li>
 *   <li>an unknown kid has at most one fetch in flight: concurrent webhooks wait for the same future;</li>
 *   <li>a kid the source says does not exist is negatively cached for {@code negativeTtl}; a failing source (429,
 *       5xx, timeout) is <em>not</em> cached, so the next webhook asks again;</li>
 *   <li>fetches are bounded overall: at most {@code maxConcurrent} at once and a token bucket of
 *       {@code perSecond}/{@code burst}; beyond that a new kid is refused at once ({@link RejectionReason#KEY_UNAVAILABLE},
 *       Plaid retries), so forged webhooks with random kids cannot flood Plaid or stall valid traffic, whose keys
 *       are already cached.</li>
 * </ul>
 */
public final class KeyCache {

    private static final Logger LOG = Logger.getLogger(KeyCache.class);

    /** Outcome of one fetch, for metrics: found, unknown, failed, throttled. */
    public enum FetchOutcome { FOUND, UNKNOWN, FAILED, THROTTLED }

    private sealed interface Entry permits Known, Unknown, Pending {
    }

    private record Known(VerificationKey key, long fetchedAtMillis, AtomicBoolean refreshing) implements Entry {
    }

    private record Unknown(long untilMillis) implements Entry {
    }

    private record Pending(CompletableFuture<VerificationKey> future) implements Entry {
    }

    private final KeyFetcher fetcher;
    private final Clock clock;
    private final long refreshAfterMillis;
    private final long negativeTtlMillis;
    private final Duration fetchTimeout;
    private final int maxEntries;
    private final Semaphore concurrent;
    private final TokenBucket bucket;
    private final Consumer<FetchOutcome> onFetch;
    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    public KeyCache(KeyFetcher fetcher, Clock clock, Duration refreshAfter, Duration negativeTtl, Duration fetchTimeout,
                    int maxConcurrent, double perSecond, int burst, int maxEntries, Consumer<FetchOutcome> onFetch) {
        this.fetcher = fetcher;
        this.clock = clock;
        this.refreshAfterMillis = refreshAfter.toMillis();
        this.negativeTtlMillis = negativeTtl.toMillis();
        this.fetchTimeout = fetchTimeout;
        this.maxEntries = maxEntries;
        this.concurrent = new Semaphore(Math.max(1, maxConcurrent));
        this.bucket = new TokenBucket(clock, perSecond, burst);
        this.onFetch = onFetch == null ? o -> { } : onFetch;
    }

    /**
     * The usable key for {@code kid}. Fails with a {@link WebhookRejectedException} ({@code UNKNOWN_KID},
     * {@code KEY_EXPIRED}, {@code KEY_UNAVAILABLE}).
     */
    public CompletableFuture<VerificationKey> get(String kid) {
        long now = clock.millis();
        while (true) {
            Entry e = entries.get(kid);
            if (e instanceof Known k) {
                if (!k.key().expired() && now - k.fetchedAtMillis() > refreshAfterMillis) {
                    refreshInBackground(kid, k);
                }
                return usable(k.key());
            }
            if (e instanceof Pending p) {
                return p.future().copy();
            }
            if (e instanceof Unknown u && now < u.untilMillis()) {
                return CompletableFuture.failedFuture(new WebhookRejectedException(RejectionReason.UNKNOWN_KID,
                        "kid " + kid + " is unknown (remembered)", kid));
            }
            // absent or an expired negative entry: try to become the one fetch for this kid
            if (entries.size() >= maxEntries && !evictUnknown(now)) {
                return CompletableFuture.failedFuture(new WebhookRejectedException(RejectionReason.KEY_UNAVAILABLE,
                        "key cache full", kid));
            }
            Pending mine = new Pending(new CompletableFuture<>());
            boolean won = e == null ? entries.putIfAbsent(kid, mine) == null : entries.replace(kid, e, mine);
            if (!won) {
                continue; // somebody else changed the entry: look again
            }
            startFetch(kid, mine);
            return mine.future().copy();
        }
    }

    /** Cached kids and what is known of them (operator view). */
    public Map<String, String> describe() {
        Map<String, String> out = new java.util.TreeMap<>();
        entries.forEach((kid, e) -> out.put(kid, switch (e) {
            case Known k -> k.key().expired() ? "expired" : "current";
            case Unknown u -> "unknown";
            case Pending p -> "fetching";
        }));
        return out;
    }

    private CompletableFuture<VerificationKey> usable(VerificationKey key) {
        if (key.expired()) {
            return CompletableFuture.failedFuture(new WebhookRejectedException(RejectionReason.KEY_EXPIRED,
                    "key " + key.kid() + " expired at " + key.expiredAt(), key.kid()));
        }
        return CompletableFuture.completedFuture(key);
    }

    private void startFetch(String kid, Pending mine) {
        if (!acquire()) {
            onFetch.accept(FetchOutcome.THROTTLED);
            entries.remove(kid, mine);
            mine.future().completeExceptionally(new WebhookRejectedException(RejectionReason.KEY_UNAVAILABLE,
                    "key fetch budget exhausted; kid " + kid + " not fetched", kid));
            return;
        }
        fetch(kid).whenComplete((result, failure) -> {
            concurrent.release();
            if (failure != null) {
                onFetch.accept(FetchOutcome.FAILED);
                entries.remove(kid, mine); // transient: not cached, the next webhook asks again
                LOG.warnf("verification key %s could not be fetched: %s", kid, rootMessage(failure));
                mine.future().completeExceptionally(new WebhookRejectedException(RejectionReason.KEY_UNAVAILABLE,
                        "key " + kid + " could not be fetched: " + rootMessage(failure), kid));
            } else if (result.key() == null) {
                onFetch.accept(FetchOutcome.UNKNOWN);
                entries.replace(kid, mine, new Unknown(clock.millis() + negativeTtlMillis));
                mine.future().completeExceptionally(new WebhookRejectedException(RejectionReason.UNKNOWN_KID,
                        "kid " + kid + " is unknown to the key source", kid));
            } else {
                onFetch.accept(FetchOutcome.FOUND);
                entries.replace(kid, mine, new Known(result.key(), clock.millis(), new AtomicBoolean()));
                LOG.infof("verification key %s learned (expired_at=%s)", kid, result.key().expiredAt());
                refreshOthersAfterRotation(kid);
                CompletableFuture<VerificationKey> usable = usable(result.key());
                usable.whenComplete((k, f) -> {
                    if (f != null) {
                        mine.future().completeExceptionally(f);
                    } else {
                        mine.future().complete(k);
                    }
                });
            }
        });
    }

    /** A new kid usually means a rotation: re-check the cached current keys so a retired one is refused soon. */
    private void refreshOthersAfterRotation(String newKid) {
        entries.forEach((kid, e) -> {
            if (!kid.equals(newKid) && e instanceof Known k && !k.key().expired()) {
                refreshInBackground(kid, k);
            }
        });
    }

    private void refreshInBackground(String kid, Known known) {
        if (!known.refreshing().compareAndSet(false, true)) {
            return;
        }
        if (!acquire()) {
            onFetch.accept(FetchOutcome.THROTTLED);
            known.refreshing().set(false);
            return;
        }
        fetch(kid).whenComplete((result, failure) -> {
            concurrent.release();
            if (failure != null) {
                onFetch.accept(FetchOutcome.FAILED);
                known.refreshing().set(false); // keep serving the cached key, try again later
            } else if (result.key() == null) {
                onFetch.accept(FetchOutcome.UNKNOWN);
                entries.replace(kid, known, new Unknown(clock.millis() + negativeTtlMillis));
            } else {
                onFetch.accept(FetchOutcome.FOUND);
                entries.replace(kid, known, new Known(result.key(), clock.millis(), new AtomicBoolean()));
                if (result.key().expired()) {
                    LOG.infof("verification key %s is now expired (expired_at=%s)", kid, result.key().expiredAt());
                }
            }
        });
    }

    private CompletableFuture<KeyFetcher.Result> fetch(String kid) {
        try {
            return fetcher.fetch(kid).toCompletableFuture().orTimeout(fetchTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private boolean acquire() {
        if (!concurrent.tryAcquire()) {
            return false;
        }
        if (!bucket.tryTake()) {
            concurrent.release();
            return false;
        }
        return true;
    }

    private boolean evictUnknown(long now) {
        boolean any = false;
        for (Map.Entry<String, Entry> e : entries.entrySet()) {
            if (e.getValue() instanceof Unknown u && (u.untilMillis() <= now || !any)) {
                any |= entries.remove(e.getKey(), u);
            }
        }
        return any;
    }

    private static String rootMessage(Throwable t) {
        while ((t instanceof CompletionException || t.getCause() != null && t instanceof java.util.concurrent.ExecutionException)
                && t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    /** Simple token bucket on a clock: {@code perSecond} tokens per second, at most {@code burst} saved. */
    static final class TokenBucket {
        private final Clock clock;
        private final double perMilli;
        private final double burst;
        private double tokens;
        private long last;

        TokenBucket(Clock clock, double perSecond, int burst) {
            this.clock = clock;
            this.perMilli = perSecond / 1000.0;
            this.burst = Math.max(1, burst);
            this.tokens = this.burst;
            this.last = clock.millis();
        }

        synchronized boolean tryTake() {
            long now = clock.millis();
            tokens = Math.min(burst, tokens + (now - last) * perMilli);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return true;
            }
            return false;
        }
    }
}
