package dev.tartan.plaid.gateway.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(10), new Random(7));

    @Test
    void stepsDoubleAndAreCapped() {
        assertEquals(Duration.ofMillis(200), policy.ceilingAfter(1));
        assertEquals(Duration.ofMillis(400), policy.ceilingAfter(2));
        assertEquals(Duration.ofMillis(800), policy.ceilingAfter(3));
        assertEquals(Duration.ofSeconds(10), policy.ceilingAfter(7));
        assertEquals(Duration.ofSeconds(10), policy.ceilingAfter(200));
    }

    @Test
    void backoffIsJitteredBetweenHalfTheStepAndTheStep() {
        Set<Duration> seen = new HashSet<>();
        for (int attempt = 1; attempt <= 8; attempt++) {
            Duration step = policy.ceilingAfter(attempt);
            for (int i = 0; i < 200; i++) {
                Duration d = policy.backoffAfter(attempt);
                assertTrue(d.compareTo(step.dividedBy(2)) >= 0 && d.compareTo(step) <= 0, attempt + ": " + d);
                seen.add(d);
            }
        }
        assertTrue(seen.size() > 100, "jitter spreads the waits");
    }

    @Test
    void retryAfterIsHonouredUpToTheMaximum() {
        assertEquals(Duration.ofSeconds(3), policy.backoffAfter(1, Duration.ofSeconds(3)));
        assertEquals(Duration.ofSeconds(10), policy.backoffAfter(1, Duration.ofMinutes(5)));
        assertTrue(policy.backoffAfter(3, Duration.ZERO).compareTo(Duration.ofMillis(400)) >= 0);
    }

    @Test
    void countsAttempts() {
        assertTrue(policy.mayRetryAfter(1));
        assertTrue(policy.mayRetryAfter(3));
        assertFalse(policy.mayRetryAfter(4));
        assertFalse(new RetryPolicy(1, Duration.ZERO, Duration.ZERO, new Random()).mayRetryAfter(1));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO, new Random()));
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(2, Duration.ofSeconds(2), Duration.ofSeconds(1), new Random()));
    }
}
