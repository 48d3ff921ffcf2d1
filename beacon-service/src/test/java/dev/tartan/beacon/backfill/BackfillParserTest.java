package dev.tartan.beacon.backfill;

import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackfillParserTest {

    @Test
    void csvWithQuotesAndReports() {
        String csv = """
                client_user_id,given_name,family_name,date_of_birth,email_address,street,city,country,report_type,fraud_date,fraud_amount
                u-1,Ann,"Perkins, Jr.",1985-04-02,ann@example.com,1 Main St,Pawnee,US,,,
                u-2,Tom,Haverford,1988-02-01,,,,,first_party,2025-12-01,125.50

                u-3,,Nobody,1990-01-01,,,,,,,
                u-4,Bad,Date,1990-13-01,,,,,,,
                """;
        List<BackfillRecord> records = new ArrayList<>();
        List<BackfillParser.Problem> problems = new ArrayList<>();
        BackfillParser.parse(new StringReader(csv), BackfillParser.Format.CSV, records::add, problems::add);
        assertEquals(2, records.size());
        assertEquals("Perkins, Jr.", records.get(0).user().name().familyName());
        assertNull(records.get(0).report());
        assertEquals("first_party", records.get(1).report().type());
        assertEquals(0, records.get(1).report().fraudAmount().value().compareTo(new java.math.BigDecimal("125.50")));
        assertEquals(3, records.get(1).line());
        assertEquals(List.of(5L, 6L), problems.stream().map(BackfillParser.Problem::line).toList());
        // problems never quote the data
        assertTrue(problems.stream().noneMatch(p -> p.message().contains("Nobody")));
    }

    @Test
    void jsonLines() {
        String jsonl = """
                {"client_user_id":"u-1","user":{"name":{"given_name":"Ann","family_name":"Perkins"},"date_of_birth":"1985-04-02"}}
                {"client_user_id":"u-2","user":{"name":{"given_name":"Tom","family_name":"H"},"date_of_birth":"1988-02-01"},"report":{"type":"stolen","fraud_date":"2025-11-02"}}
                {broken
                {"client_user_id":"u-4","user":{"name":{"given_name":"X","family_name":"Y"},"date_of_birth":"1988-02-01"},"report":{"type":"nope","fraud_date":"2025-11-02"}}
                """;
        List<BackfillRecord> records = new ArrayList<>();
        List<BackfillParser.Problem> problems = new ArrayList<>();
        BackfillParser.parse(new StringReader(jsonl), BackfillParser.Format.JSONL, records::add, problems::add);
        assertEquals(2, records.size());
        assertEquals("stolen", records.get(1).report().type());
        assertEquals(2, problems.size());
        assertFalse(records.get(0).toString().contains("Perkins"));
    }

    @Test
    void unknownCsvColumnIsAnError() {
        assertThrows(IllegalArgumentException.class, () -> BackfillParser.parse(new StringReader("client_user_id,ssn\n"),
                BackfillParser.Format.CSV, r -> { }, p -> { }));
        assertEquals(BackfillParser.Format.JSONL, BackfillParser.Format.of("users.jsonl"));
        assertEquals(BackfillParser.Format.CSV, BackfillParser.Format.of("text/csv"));
    }

    @Test
    void csvSplitting() {
        assertEquals(List.of("a", "b,c", "d\"e", ""), BackfillParser.splitCsv("a,\"b,c\",\"d\"\"e\","));
    }
}
