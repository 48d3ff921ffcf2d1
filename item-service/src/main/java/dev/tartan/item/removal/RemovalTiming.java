package dev.tartan.item.removal;

import dev.tartan.contracts.churn.RemovalReason;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;

/**
 * When an Item selected for removal is removed at Plaid. Plaid bills recurring products (Transactions and the
 * other subscription products) for every month an Item exists, so the handbook recommends removing such Items
 * near the end of the month: they are scheduled for the start of the month-end window (the last
 * {@code windowDays} days of the month, UTC) unless the reason is urgent (fraud, user request) or the
 * window has already begun. Everything else is removed at once.
 */
public final class RemovalTiming {

    private final Set<String> recurringBilledProducts;
    private final int windowDays;

    public RemovalTiming(Collection<String> recurringBilledProducts, int windowDays) {
        if (windowDays < 1 || windowDays > 28) {
            throw new IllegalArgumentException("month-end window must be 1..28 days, was " + windowDays);
        }
        this.recurringBilledProducts = Set.copyOf(recurringBilledProducts.stream().map(p -> p.toLowerCase(Locale.ROOT)).toList());
        this.windowDays = windowDays;
    }

    public boolean recurringBilled(Collection<String> billedProducts) {
        return billedProducts != null && billedProducts.stream()
                .anyMatch(p -> recurringBilledProducts.contains(p.toLowerCase(Locale.ROOT)));
    }

    public Instant scheduleFor(RemovalReason reason, Collection<String> billedProducts, Instant now) {
        if (reason.urgent() || !recurringBilled(billedProducts)) {
            return now;
        }
        Instant windowStart = windowStart(now);
        return now.isBefore(windowStart) ? windowStart : now;
    }

    /** Midnight UTC at the start of the last {@code windowDays} days of {@code now}'s month. */
    public Instant windowStart(Instant now) {
        LocalDate lastDay = LocalDate.ofInstant(now, ZoneOffset.UTC).with(TemporalAdjusters.lastDayOfMonth());
        return lastDay.minusDays(windowDays - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
    }
}
