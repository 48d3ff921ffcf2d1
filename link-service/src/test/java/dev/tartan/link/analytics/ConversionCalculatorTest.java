package dev.tartan.link.analytics;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversionCalculatorTest {

    static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
    final List<LinkEventRecord> events = new ArrayList<>();

    void ev(String session, int sec, String name, String view, String inst, String error, String exitStatus) {
        events.add(new LinkEventRecord(session, name, T0.plusSeconds(sec), view, inst, inst == null ? null : inst.toUpperCase(),
                error == null ? null : "ITEM_ERROR", error, exitStatus, "req-" + sec));
    }

    @Test
    void funnelAndRates() {
        // s1: chase, full success
        ev("s1", 0, "OPEN", null, null, null, null);
        ev("s1", 1, "TRANSITION_VIEW", "SELECT_INSTITUTION", null, null, null);
        ev("s1", 2, "SELECT_INSTITUTION", null, "ins_3", null, null);
        ev("s1", 3, "TRANSITION_VIEW", "CREDENTIAL", "ins_3", null, null);
        ev("s1", 4, "HANDOFF", null, "ins_3", null, null);
        ev("s1", 4, "ON_SUCCESS", null, "ins_3", null, null); // the callback too: still one success
        // s2: chase, wrong password then exit
        ev("s2", 10, "OPEN", null, null, null, null);
        ev("s2", 11, "TRANSITION_VIEW", "SELECT_INSTITUTION", null, null, null);
        ev("s2", 12, "SELECT_INSTITUTION", null, "ins_3", null, null);
        ev("s2", 13, "TRANSITION_VIEW", "CREDENTIAL", "ins_3", null, null);
        ev("s2", 14, "ERROR", null, "ins_3", "INVALID_CREDENTIALS", null);
        ev("s2", 15, "EXIT", null, "ins_3", "INVALID_CREDENTIALS", "requires_credentials");
        // s3: institution not found
        ev("s3", 20, "OPEN", null, null, null, null);
        ev("s3", 21, "TRANSITION_VIEW", "SELECT_INSTITUTION", null, null, null);
        ev("s3", 22, "ON_EXIT", null, null, null, "institution_not_found");
        // s4: OAuth bank, success reported only by SESSION_FINISHED webhook
        ev("s4", 30, "OPEN", null, null, null, null);
        ev("s4", 31, "SELECT_INSTITUTION", null, "ins_127287", null, null);
        ev("s4", 32, "OPEN_OAUTH", null, "ins_127287", null, null);
        ev("s4", 33, "SESSION_FINISHED", null, null, null, "SUCCESS");
        // s5: outside the range
        ev("s5", 99_999, "OPEN", null, null, null, null);

        ConversionReport r = new ConversionCalculator().report(T0, T0.plusSeconds(3600), ConversionCalculator.funnels(events));
        ConversionReport.Funnel all = r.overall();
        assertEquals(4, all.sessionsOpened());
        assertEquals(4, all.reachedInstitutionSelect());
        assertEquals(3, all.reachedCredentialPane());
        assertEquals(2, all.succeeded());
        assertEquals(2, all.exited());
        assertEquals(Map.of("requires_credentials", 1L, "institution_not_found", 1L), all.exitsByStatus());
        assertEquals(Map.of("INVALID_CREDENTIALS", 1L, "none", 1L), all.exitsByErrorCode());
        assertEquals(0.75, all.institutionSelectToCredentialRate());
        assertEquals(0.6667, all.credentialToSuccessRate());

        assertEquals(2, r.institutions().size());
        ConversionReport.Funnel chase = r.institutions().get(0);
        assertEquals("ins_3", chase.institutionId());
        assertEquals(2, chase.sessionsOpened());
        assertEquals(1, chase.succeeded());
        assertEquals(0.5, chase.credentialToSuccessRate());
        assertEquals(1.0, chase.institutionSelectToCredentialRate());
        assertEquals("ins_127287", r.institutions().get(1).institutionId());

        String csv = ConversionCsv.write(r);
        String[] lines = csv.split("\r\n");
        assertEquals(ConversionCsv.HEADER, lines[0]);
        assertTrue(lines[1].startsWith("overall,,,4,4,3,2,2,0.75,0.6667,"), lines[1]);
        assertTrue(lines[2].startsWith("institution,ins_3,INS_3,2,2,2,1,1,1.0,0.5,requires_credentials=1,INVALID_CREDENTIALS=1"), lines[2]);
    }

    @Test
    void emptyRangeHasNoRates() {
        ConversionReport r = new ConversionCalculator().report(T0, T0.plusSeconds(1), List.of());
        assertEquals(0, r.overall().sessionsOpened());
        assertNull(r.overall().credentialToSuccessRate());
        assertNull(r.overall().institutionSelectToCredentialRate());
    }

    @Test
    void csvEscapes() {
        assertEquals("\"a,b\"", ConversionCsv.cell("a,b"));
        assertEquals("'=cmd()", ConversionCsv.cell("=cmd()"));
        assertEquals("\"say \"\"hi\"\"\"", ConversionCsv.cell("say \"hi\""));
    }
}
