package dev.tartan.ingest.verification;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCacheTest {

    /** A clock tests move by hand. */
    static final class ManualClock extends Clock {
        final AtomicLong millis = new AtomicLong(1_700_000_000_000L);

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis.get());
        }
    }

    /** A key source whose answers the test completes. */
    static final class Source implements KeyFetcher {
        final Map<String, CompletableFuture<Result>> pending = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public CompletableFuture<Result> fetch(String kid) {
            calls.add(kid);
            CompletableFuture<Result> f = new CompletableFuture<>();
            pending.put(kid, f);
            return f;
        }
    }

    final ManualClock clock = new ManualClock();
    final Source source = new Source();
    final TestSigner signer = new TestSigner();

    KeyCache cache(int maxConcurrent, double perSecond, int burst) {
        return new KeyCache(source, clock, Duration.ofHours(1), Duration.ofMinutes(5), Duration.ofSeconds(5),
                maxConcurrent, perSecond, burst, 1000, o -> { });
    }

    static RejectionReason reason(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, f::get);
        return ((WebhookRejectedException) e.getCause()).reason();
    }

    @Test
    void oneFetchInFlightPerKidAndConcurrentCallersShareIt() throws Exception {
        KeyCache cache = cache(4, 10, 10);
        CompletableFuture<VerificationKey> a = cache.get(signer.kid());
        CompletableFuture<VerificationKey> b = cache.get(signer.kid());
        assertEquals(1, source.calls.size());
        VerificationKey key = signer.verificationKey(null);
        source.pending.get(signer.kid()).complete(KeyFetcher.Result.found(key));
        assertSame(key, a.get());
        assertSame(key, b.get());
        assertSame(key, cache.get(signer.kid()).get());
        assertEquals(1, source.calls.size(), "cached: no second fetch");
    }

    @Test
    void unknownKidNegativelyCachedThenAskedAgain() {
        KeyCache cache = cache(4, 10, 10);
        CompletableFuture<VerificationKey> f = cache.get("nope");
        source.pending.get("nope").complete(KeyFetcher.Result.unknown());
        assertEquals(RejectionReason.UNKNOWN_KID, reason(f));
        assertEquals(RejectionReason.UNKNOWN_KID, reason(cache.get("nope")));
        assertEquals(1, source.calls.size());
        clock.millis.addAndGet(Duration.ofMinutes(6).toMillis());
        cache.get("nope");
        assertEquals(2, source.calls.size());
    }

    @Test
    void failingSourceIsNotCachedAsUnknown() {
        KeyCache cache = cache(4, 10, 10);
        CompletableFuture<VerificationKey> f = cache.get("k");
        source.pending.get("k").completeExceptionally(new RuntimeException("429"));
        assertEquals(RejectionReason.KEY_UNAVAILABLE, reason(f));
        cache.get("k");
        assertEquals(2, source.calls.size(), "the next webhook asks again");
    }

    @Test
    void expiredKeyRefused() {
        KeyCache cache = cache(4, 10, 10);
        CompletableFuture<VerificationKey> f = cache.get(signer.kid());
        source.pending.get(signer.kid()).complete(KeyFetcher.Result.found(
                VerificationKey.of(signer.kid(), signer.key.toPublicJWK(), 0, 1L, null)));
        assertEquals(RejectionReason.KEY_EXPIRED, reason(f));
        assertEquals(RejectionReason.KEY_EXPIRED, reason(cache.get(signer.kid())));
    }

    @Test
    void floodOfRandomKidsIsBounded() {
        KeyCache cache = cache(4, 2, 10);
        int refused = 0;
        for (int i = 0; i < 10_000; i++) {
            CompletableFuture<VerificationKey> f = cache.get("forged-" + i);
            CompletableFuture<KeyFetcher.Result> p = source.pending.remove("forged-" + i);
            if (p != null) {
                p.complete(KeyFetcher.Result.unknown());
            } else {
                refused++;
                assertEquals(RejectionReason.KEY_UNAVAILABLE, reason(f));
            }
            if (i % 1000 == 0) {
                clock.millis.addAndGet(1000); // 10 seconds pass over the flood
            }
        }
        assertTrue(source.calls.size() <= 10 + 2 * 10 + 1, "fetches: " + source.calls.size());
        assertTrue(refused > 9_900);
    }

    @Test
    void concurrentFetchesBounded() {
        KeyCache cache = cache(2, 100, 100);
        cache.get("a");
        cache.get("b");
        assertEquals(RejectionReason.KEY_UNAVAILABLE, reason(cache.get("c")));
        assertEquals(2, source.calls.size());
    }

    @Test
    void newKidTriggersRefreshOfCurrentKeysAndLearnsExpiry() throws Exception {
        KeyCache cache = cache(4, 100, 100);
        TestSigner next = new TestSigner();
        cache.get(signer.kid());
        source.pending.get(signer.kid()).complete(KeyFetcher.Result.found(signer.verificationKey(null)));
        cache.get(next.kid());
        source.pending.get(next.kid()).complete(KeyFetcher.Result.found(next.verificationKey(null)));
        // learning 'next' re-fetched the old key; Plaid now says it expired
        assertEquals(List.of(signer.kid(), next.kid(), signer.kid()), source.calls);
        source.pending.get(signer.kid()).complete(KeyFetcher.Result.found(
                VerificationKey.of(signer.kid(), signer.key.toPublicJWK(), 0, clock.millis() / 1000, null)));
        assertEquals(RejectionReason.KEY_EXPIRED, reason(cache.get(signer.kid())));
        assertEquals(next.kid(), cache.get(next.kid()).get().kid());
    }

    @Test
    void staleKeyServedWhileRefreshing() throws Exception {
        KeyCache cache = cache(4, 100, 100);
        cache.get(signer.kid());
        source.pending.get(signer.kid()).complete(KeyFetcher.Result.found(signer.verificationKey(null)));
        clock.millis.addAndGet(Duration.ofHours(2).toMillis());
        AtomicInteger ok = new AtomicInteger();
        cache.get(signer.kid()).thenRun(ok::incrementAndGet).get();
        cache.get(signer.kid()).thenRun(ok::incrementAndGet).get();
        assertEquals(2, ok.get());
        assertEquals(2, source.calls.size(), "one background refresh");
    }
}
