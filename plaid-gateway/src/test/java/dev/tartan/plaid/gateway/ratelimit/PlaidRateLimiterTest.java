package dev.tartan.plaid.gateway.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.ratelimit.PlaidRateLimiter.Reservation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The limiter against a fake clock: exact delays, no sleeping. */
class PlaidRateLimiterTest {

    static final Duration MINUTE = Duration.ofMinutes(1);
    long now = 1_000_000_000L;

    PlaidRateLimiter limiter(Map<PlaidEndpoint, RateLimit> limits, Duration maxWait) {
        return new PlaidRateLimiter(limits, MINUTE, maxWait, () -> now);
    }

    @Test
    void perItemLimitDelaysTheCallAfterTheLimitUntilTheWindowHasPassed() {
        // /item/get: 15 per Item per minute (published default)
        PlaidRateLimiter limiter = limiter(Map.of(PlaidEndpoint.ITEM_GET, new RateLimit(5_000, 15)), Duration.ofMinutes(2));
        for (int i = 0; i < 15; i++) {
            assertEquals(Duration.ZERO, limiter.reserve(PlaidEndpoint.ITEM_GET, "item-a").delay(), "call " + i);
            now += Duration.ofSeconds(1).toNanos();
        }
        // 15 s in, the 16th call for item-a waits until 60 s after the first
        Reservation r = limiter.reserve(PlaidEndpoint.ITEM_GET, "item-a");
        assertTrue(r.granted());
        assertEquals(Duration.ofSeconds(45), r.delay());
        // another Item is not held back
        assertEquals(Duration.ZERO, limiter.reserve(PlaidEndpoint.ITEM_GET, "item-b").delay());
        // the 17th for item-a comes one second after the 16th (the second grant + 60 s)
        assertEquals(Duration.ofSeconds(46), limiter.reserve(PlaidEndpoint.ITEM_GET, "item-a").delay());
    }

    @Test
    void perClientLimitHoldsAcrossItems() {
        PlaidRateLimiter limiter = limiter(Map.of(PlaidEndpoint.ITEM_REMOVE, new RateLimit(3, 30)), Duration.ofMinutes(2));
        assertEquals(Duration.ZERO, limiter.reserve(PlaidEndpoint.ITEM_REMOVE, "a").delay());
        assertEquals(Duration.ZERO, limiter.reserve(PlaidEndpoint.ITEM_REMOVE, "b").delay());
        now += Duration.ofSeconds(10).toNanos();
        assertEquals(Duration.ZERO, limiter.reserve(PlaidEndpoint.ITEM_REMOVE, "c").delay());
        assertEquals(Duration.ofSeconds(50), limiter.reserve(PlaidEndpoint.ITEM_REMOVE, "d").delay());
        assertEquals(Duration.ofSeconds(50), limiter.reserve(PlaidEndpoint.ITEM_REMOVE, null).delay());
        assertEquals(Duration.ofSeconds(60), limiter.reserve(PlaidEndpoint.ITEM_REMOVE, "e").delay());
    }

    @Test
    void refusesBeyondTheMaximumWaitAndBooksNothing() {
        PlaidRateLimiter limiter = limiter(Map.of(PlaidEndpoint.ITEM_GET, new RateLimit(0, 1)), Duration.ofSeconds(30));
        assertTrue(limiter.reserve(PlaidEndpoint.ITEM_GET, "a").granted());
        Reservation refused = limiter.reserve(PlaidEndpoint.ITEM_GET, "a");
        assertFalse(refused.granted());
        assertEquals(Duration.ofSeconds(60), refused.delay());
        now += Duration.ofSeconds(31).toNanos();
        // had the refusal booked a slot, this would be 60 s away instead of 29 s
        Reservation later = limiter.reserve(PlaidEndpoint.ITEM_GET, "a");
        assertTrue(later.granted());
        assertEquals(Duration.ofSeconds(29), later.delay());
    }

    @Test
    void endpointsWithoutLimitsNeverWaitAndCallsWithoutItemSkipThePerItemLimit() {
        PlaidRateLimiter limiter = limiter(Map.of(PlaidEndpoint.ITEM_GET, new RateLimit(0, 1)), Duration.ZERO);
        for (int i = 0; i < 10_000; i++) {
            assertEquals(Duration.ZERO, limiter.reserve(PlaidEndpoint.LINK_TOKEN_CREATE, "x").delay());
            assertTrue(limiter.reserve(PlaidEndpoint.ITEM_GET, null).granted());
        }
    }

    @Test
    void neverMoreThanTheLimitInAnyWindowEvenWithOutOfOrderGrants() {
        // per-Item limits push some grants into the future while other Items' calls go now: the
        // per-client log then receives grants out of time order. Check every window afterwards.
        int perClient = 7;
        int perItem = 2;
        PlaidRateLimiter limiter = limiter(Map.of(PlaidEndpoint.AUTH_GET, new RateLimit(perClient, perItem)), Duration.ofDays(1));
        Random random = new Random(42);
        List<Long> all = new ArrayList<>();
        Map<String, List<Long>> byItem = new HashMap<>();
        for (int i = 0; i < 3_000; i++) {
            now += (long) (random.nextDouble() * Duration.ofSeconds(20).toNanos()); // about 6 calls a minute: a queue that drains
            String item = "item-" + random.nextInt(5);
            Reservation r = limiter.reserve(PlaidEndpoint.AUTH_GET, item);
            assertTrue(r.granted());
            long at = now + r.delay().toNanos();
            all.add(at);
            byItem.computeIfAbsent(item, k -> new ArrayList<>()).add(at);
        }
        assertAtMostPerWindow(all, perClient);
        byItem.values().forEach(times -> assertAtMostPerWindow(times, perItem));
    }

    private static void assertAtMostPerWindow(List<Long> times, int limit) {
        List<Long> sorted = new ArrayList<>(times);
        Collections.sort(sorted);
        long window = MINUTE.toNanos();
        for (int i = 0; i + limit < sorted.size(); i++) {
            assertTrue(sorted.get(i + limit) - sorted.get(i) >= window,
                    "more than " + limit + " grants within one window starting at index " + i + ": "
                            + sorted.subList(i, i + limit + 1) + " window " + window);
        }
    }

    @Test
    void idleItemsAreForgotten() {
        PlaidRateLimiter limiter = limiter(Map.of(PlaidEndpoint.ITEM_GET, new RateLimit(0, 15)), Duration.ZERO);
        for (int i = 0; i < 1_000; i++) {
            limiter.reserve(PlaidEndpoint.ITEM_GET, "item-" + i);
        }
        assertEquals(1_000, limiter.trackedItems(PlaidEndpoint.ITEM_GET));
        now += MINUTE.toNanos() + 1;
        for (int i = 0; i < 100; i++) {
            limiter.reserve(PlaidEndpoint.ITEM_GET, "fresh-" + i);
        }
        assertTrue(limiter.trackedItems(PlaidEndpoint.ITEM_GET) <= 100, "swept: " + limiter.trackedItems(PlaidEndpoint.ITEM_GET));
    }

    @Test
    void publishedProductionLimitsAreTheDefaults() {
        assertEquals(30, PlaidEndpoint.ITEM_REMOVE.defaultPerItemPerMinute());
        assertEquals(2_000, PlaidEndpoint.ITEM_REMOVE.defaultPerClientPerMinute());
        assertEquals(15, PlaidEndpoint.ITEM_GET.defaultPerItemPerMinute());
        assertEquals(5_000, PlaidEndpoint.ITEM_GET.defaultPerClientPerMinute());
        assertEquals(15, PlaidEndpoint.IDENTITY_GET.defaultPerItemPerMinute());
        assertEquals(2_000, PlaidEndpoint.IDENTITY_GET.defaultPerClientPerMinute());
        assertEquals(15, PlaidEndpoint.AUTH_GET.defaultPerItemPerMinute());
        assertEquals(12_000, PlaidEndpoint.AUTH_GET.defaultPerClientPerMinute());
    }
}
