package dev.tartan.beacon.user;

import java.time.Instant;
import java.util.List;

/**
 * What Plaid says about a Beacon user right now (from create, get, update or review), stripped of PII.
 *
 * @param version   Plaid's data version (1 on create, +1 per update)
 * @param updatedAt Plaid's {@code updated_at}; with the version it orders observations
 * @param auditSource who made the last change ({@code dashboard}, {@code api}, {@code system}, {@code bulk_import})
 */
public record PlaidUserSnapshot(String beaconUserId, String clientUserId, BeaconStatus status, int version,
                                Instant updatedAt, List<String> itemIds, String auditSource, String requestId) {
}
