package dev.tartan.item.removal;

import dev.tartan.contracts.churn.RemovalReason;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RemovalTimingTest {

    final RemovalTiming timing = new RemovalTiming(List.of("transactions", "investments", "liabilities"), 2);
    final Instant midMonth = Instant.parse("2026-02-10T08:00:00Z");

    @Test
    void recurringBilledItemsWaitForTheMonthEndWindow() {
        assertEquals(Instant.parse("2026-02-27T00:00:00Z"),
                timing.scheduleFor(RemovalReason.INACTIVITY, List.of("auth", "transactions"), midMonth));
        assertEquals(Instant.parse("2026-03-30T00:00:00Z"),
                timing.scheduleFor(RemovalReason.UNRESOLVED_ERROR, List.of("TRANSACTIONS"), Instant.parse("2026-03-01T00:00:00Z")));
    }

    @Test
    void insideTheWindowTheyGoAtOnce() {
        Instant inWindow = Instant.parse("2026-02-28T12:00:00Z");
        assertEquals(inWindow, timing.scheduleFor(RemovalReason.INACTIVITY, List.of("transactions"), inWindow));
    }

    @Test
    void urgentReasonsAndOneOffProductsGoAtOnce() {
        assertEquals(midMonth, timing.scheduleFor(RemovalReason.FRAUD_FIRST_PARTY, List.of("transactions"), midMonth));
        assertEquals(midMonth, timing.scheduleFor(RemovalReason.USER_REQUEST, List.of("transactions"), midMonth));
        assertEquals(midMonth, timing.scheduleFor(RemovalReason.INACTIVITY, List.of("auth", "identity"), midMonth));
        assertEquals(midMonth, timing.scheduleFor(RemovalReason.INACTIVITY, null, midMonth));
    }
}
