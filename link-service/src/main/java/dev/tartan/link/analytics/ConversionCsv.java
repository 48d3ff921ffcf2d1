package dev.tartan.link.analytics;

import java.util.Map;
import java.util.stream.Collectors;

/**
 * CSV export of a {@link ConversionReport} (RFC 4180): one row for all sessions ({@code scope=overall}) then one
 * per institution; exit breakdowns as {@code key=count} pairs separated by {@code ;}.
 */
public final class ConversionCsv {

    public static final String HEADER = "scope,institution_id,institution_name,sessions_opened,reached_institution_select,"
            + "reached_credential_pane,succeeded,exited,institution_select_to_credential_rate,credential_to_success_rate,"
            + "exits_by_status,exits_by_error_code";

    private ConversionCsv() {
    }

    public static String write(ConversionReport report) {
        StringBuilder sb = new StringBuilder(HEADER).append("\r\n");
        row(sb, "overall", report.overall());
        for (ConversionReport.Funnel f : report.institutions()) {
            row(sb, "institution", f);
        }
        return sb.toString();
    }

    private static void row(StringBuilder sb, String scope, ConversionReport.Funnel f) {
        sb.append(scope).append(',')
                .append(cell(f.institutionId())).append(',')
                .append(cell(f.institutionName())).append(',')
                .append(f.sessionsOpened()).append(',')
                .append(f.reachedInstitutionSelect()).append(',')
                .append(f.reachedCredentialPane()).append(',')
                .append(f.succeeded()).append(',')
                .append(f.exited()).append(',')
                .append(f.institutionSelectToCredentialRate() == null ? "" : f.institutionSelectToCredentialRate()).append(',')
                .append(f.credentialToSuccessRate() == null ? "" : f.credentialToSuccessRate()).append(',')
                .append(cell(pairs(f.exitsByStatus()))).append(',')
                .append(cell(pairs(f.exitsByErrorCode())))
                .append("\r\n");
    }

    private static String pairs(Map<String, Long> m) {
        return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(";"));
    }

    static String cell(String s) {
        if (s == null) {
            return "";
        }
        String safe = s;
        // a leading =, +, - or @ makes spreadsheets evaluate the cell: neutralise (CSV injection)
        if (!safe.isEmpty() && "=+-@".indexOf(safe.charAt(0)) >= 0) {
            safe = "'" + safe;
        }
        if (safe.contains(",") || safe.contains("\"") || safe.contains("\n") || safe.contains("\r")) {
            return "\"" + safe.replace("\"", "\"\"") + "\"";
        }
        return safe;
    }
}
