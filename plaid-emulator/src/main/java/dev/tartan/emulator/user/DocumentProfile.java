package dev.tartan.emulator.user;

import java.util.List;

/**
 * What Identity Document Upload reports for a test user's bank statement (Sandbox does not parse the document; it
 * returns pre-canned results, which these are).
 */
public record DocumentProfile(boolean accountNumberMatch, int riskScore, List<RiskSignal> riskSignals) {

    public record RiskSignal(String type, boolean hasFraudRisk, String signalDescription, int pageNumber) {
    }

    public static DocumentProfile clean() {
        return new DocumentProfile(true, 10, List.of());
    }

    public static DocumentProfile highRisk() {
        return new DocumentProfile(true, 95, List.of(
                new RiskSignal("METADATA_DATES_OUTSIDE_WINDOW", true,
                        "Creation date and modification date do not match", 0),
                new RiskSignal("SOFTWARE_BLACKLIST", true, "Adobe Acrobat", 0)));
    }

    public static DocumentProfile accountNumberMismatch() {
        return new DocumentProfile(false, 10, List.of());
    }
}
