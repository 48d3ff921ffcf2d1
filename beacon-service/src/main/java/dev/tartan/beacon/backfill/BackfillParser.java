package dev.tartan.beacon.backfill;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.beacon.report.FraudReportRequest;
import dev.tartan.beacon.user.UserData;
import dev.tartan.contracts.EventJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads the backfill file: CSV with a header row, or JSON Lines (one {@code {"client_user_id", "user", "report"}}
 * object a line, {@code user} and {@code report} shaped like the API's). A line that cannot be read becomes a
 * {@link Problem} naming the line and field, never its content (it is PII).
 *
 * <p>CSV columns (header names, any order; unknown columns are an error so a typo is not silently dropped):
 * {@value #CSV_COLUMNS_DOC}
 */
public final class BackfillParser {

    static final String CSV_COLUMNS_DOC = "client_user_id, given_name, family_name, date_of_birth, email_address, phone_number, "
            + "street, street2, city, region, postal_code, country, ip_address, id_number, id_number_type, account_number, "
            + "routing_number, report_type, fraud_date, fraud_amount, fraud_currency";
    static final List<String> CSV_COLUMNS = List.of(CSV_COLUMNS_DOC.split(",\\s*"));

    public enum Format {
        CSV, JSONL;

        public static Format of(String name) {
            String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
            if (n.equals("csv") || n.endsWith(".csv") || n.contains("text/csv")) {
                return CSV;
            }
            if (n.equals("jsonl") || n.endsWith(".jsonl") || n.endsWith(".ndjson") || n.contains("jsonl") || n.contains("ndjson")) {
                return JSONL;
            }
            throw new IllegalArgumentException("backfill format must be csv or jsonl");
        }
    }

    /** A line that could not be read. */
    public record Problem(long line, String message) {
    }

    private BackfillParser() {
    }

    /** Streams every record or problem in file order. */
    public static void parse(Reader reader, Format format, Consumer<BackfillRecord> records, Consumer<Problem> problems) {
        try (BufferedReader in = new BufferedReader(reader)) {
            if (format == Format.JSONL) {
                parseJsonLines(in, records, problems);
            } else {
                parseCsv(in, records, problems);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void parseJsonLines(BufferedReader in, Consumer<BackfillRecord> records, Consumer<Problem> problems) throws IOException {
        String line;
        long n = 0;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonNode json = EventJson.mapper().readTree(line);
                String clientUserId = json.path("client_user_id").asText(null);
                UserData user = json.hasNonNull("user") ? EventJson.mapper().treeToValue(json.get("user"), UserData.class) : null;
                FraudReportRequest report = json.hasNonNull("report")
                        ? EventJson.mapper().treeToValue(json.get("report"), FraudReportRequest.class) : null;
                emit(n, clientUserId, user, report, records, problems);
            } catch (Exception e) {
                problems.accept(new Problem(n, "line is not a JSON object with client_user_id, user and optional report"));
            }
        }
    }

    private static void parseCsv(BufferedReader in, Consumer<BackfillRecord> records, Consumer<Problem> problems) throws IOException {
        String header = in.readLine();
        if (header == null) {
            return;
        }
        List<String> columns = splitCsv(header.replace("\uFEFF", "")).stream().map(c -> c.strip().toLowerCase(Locale.ROOT)).toList();
        for (String c : columns) {
            if (!CSV_COLUMNS.contains(c)) {
                throw new IllegalArgumentException("unknown CSV column '" + c + "'; known columns: " + CSV_COLUMNS_DOC);
            }
        }
        if (!columns.contains("client_user_id")) {
            throw new IllegalArgumentException("the CSV header has no client_user_id column");
        }
        String line;
        long n = 1;
        while ((line = in.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            List<String> cells = splitCsv(line);
            if (cells.size() != columns.size()) {
                problems.accept(new Problem(n, "line has " + cells.size() + " cells, the header " + columns.size()));
                continue;
            }
            Map<String, String> v = new HashMap<>();
            for (int i = 0; i < columns.size(); i++) {
                String cell = cells.get(i).strip();
                v.put(columns.get(i), cell.isEmpty() ? null : cell);
            }
            try {
                UserData.Address address = v.get("street") == null && v.get("city") == null && v.get("country") == null ? null
                        : new UserData.Address(v.get("street"), v.get("street2"), v.get("city"), v.get("region"), v.get("postal_code"), v.get("country"));
                UserData.IdNumber id = v.get("id_number") == null ? null : new UserData.IdNumber(v.get("id_number"), v.get("id_number_type"));
                List<UserData.DepositoryAccount> accounts = v.get("account_number") == null ? null
                        : List.of(new UserData.DepositoryAccount(v.get("account_number"), v.get("routing_number")));
                UserData user = new UserData(new UserData.Name(v.get("given_name"), v.get("family_name")),
                        v.get("date_of_birth") == null ? null : LocalDate.parse(v.get("date_of_birth")),
                        address, v.get("email_address"), v.get("phone_number"), id, v.get("ip_address"), accounts);
                FraudReportRequest report = null;
                if (v.get("report_type") != null) {
                    FraudReportRequest.Amount amount = v.get("fraud_amount") == null ? null
                            : new FraudReportRequest.Amount(new BigDecimal(v.get("fraud_amount")),
                            v.get("fraud_currency") == null ? "USD" : v.get("fraud_currency"));
                    report = new FraudReportRequest(v.get("report_type"),
                            v.get("fraud_date") == null ? null : LocalDate.parse(v.get("fraud_date")), amount);
                }
                emit(n, v.get("client_user_id"), user, report, records, problems);
            } catch (RuntimeException e) {
                problems.accept(new Problem(n, "a date or amount cell is malformed (dates YYYY-MM-DD, amounts like 125.50)"));
            }
        }
    }

    private static void emit(long n, String clientUserId, UserData user, FraudReportRequest report,
                             Consumer<BackfillRecord> records, Consumer<Problem> problems) {
        if (clientUserId == null || clientUserId.isBlank()) {
            problems.accept(new Problem(n, "client_user_id is missing"));
            return;
        }
        if (user == null) {
            problems.accept(new Problem(n, "user data is missing"));
            return;
        }
        List<String> userProblems = user.validateForCreate();
        if (!userProblems.isEmpty()) {
            problems.accept(new Problem(n, String.join("; ", userProblems)));
            return;
        }
        if (report != null) {
            List<String> reportProblems = report.validate(LocalDate.now());
            if (!reportProblems.isEmpty()) {
                problems.accept(new Problem(n, String.join("; ", reportProblems)));
                return;
            }
        }
        records.accept(new BackfillRecord(n, clientUserId.strip(), user, report));
    }

    /** RFC 4180 fields of one line (quoted fields with "" escapes; no line breaks inside quotes). */
    static List<String> splitCsv(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < line.length() && line.charAt(i + 1) == '"') {
                        cur.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
