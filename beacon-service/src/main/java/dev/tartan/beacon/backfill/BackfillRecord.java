package dev.tartan.beacon.backfill;

import dev.tartan.beacon.report.FraudReportRequest;
import dev.tartan.beacon.user.UserData;

/**
 * One existing user to import: their data and, for known fraud, the report to file with them.
 *
 * @param line   1-based line number in the file (data lines and header count)
 * @param report null for a known-good user
 */
public record BackfillRecord(long line, String clientUserId, UserData user, FraudReportRequest report) {

    @Override
    public String toString() {
        return "BackfillRecord[line=" + line + ", clientUserId=" + clientUserId + ", report=" + (report != null) + "]";
    }
}
