package dev.tartan.emulator.beacon;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Map;

/** Beacon reports, syndications and duplicates (immutable once created). */
final class BeaconRecords {
    private BeaconRecords() {
    }

    record Report(String id, String beaconUserId, Instant createdAt, String type, LocalDate fraudDate,
                  LocalDate eventDate, Double fraudAmount) {
    }

    /** A network report matching one of our users; {@code reportType} etc. describe the other org's report. */
    record Syndication(String id, String beaconUserId, Instant reportCreatedAt, String reportType,
                       LocalDate fraudDate, LocalDate eventDate, Map<String, String> analysis) {
    }

    record Duplicate(String id, String user1, int version1, String user2, int version2,
                     Map<String, String> analysis) {
    }
}
