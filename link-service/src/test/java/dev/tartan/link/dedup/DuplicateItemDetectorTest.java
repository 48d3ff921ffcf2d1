package dev.tartan.link.dedup;

import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.LinkedAccount;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuplicateItemDetectorTest {

    final DuplicateItemDetector detector = new DuplicateItemDetector();
    static final InstitutionRef CHASE = new InstitutionRef("ins_3", "Chase");
    static final InstitutionRef WF = new InstitutionRef("ins_4", "Wells Fargo");
    static final LinkedAccount CHECKING = new LinkedAccount("a1", "Plaid Checking", "0000", "depository", "checking");
    static final LinkedAccount SAVINGS = new LinkedAccount("a2", "Plaid Saving", "1111", "depository", "savings");
    static final List<ExistingItem> EXISTING = List.of(new ExistingItem("item-old", CHASE, List.of(CHECKING, SAVINGS)));

    @Test
    void sameInstitutionAndAccountIsADuplicate() {
        // account ids differ between Items; mask, name and subtype are what Link reports again
        var dup = detector.findDuplicate(CHASE, List.of(new LinkedAccount("new-id", " plaid  CHECKING ", "0000", "depository", "checking")), EXISTING);
        assertEquals("item-old", dup.orElseThrow().existingItemId());
    }

    @Test
    void narrowerSelectionOfTheSameLoginIsStillADuplicate() {
        assertTrue(detector.findDuplicate(CHASE, List.of(new LinkedAccount("x", "Plaid Saving", "1111", "depository", "savings")),
                EXISTING).isPresent());
    }

    @Test
    void otherInstitutionIsNot() {
        assertTrue(detector.findDuplicate(WF, List.of(CHECKING), EXISTING).isEmpty());
    }

    @Test
    void otherAccountsAtTheSameInstitutionAreNot() {
        assertTrue(detector.findDuplicate(CHASE, List.of(new LinkedAccount("x", "Plaid Checking", "9999", "depository", "checking")),
                EXISTING).isEmpty());
        assertTrue(detector.findDuplicate(CHASE, List.of(new LinkedAccount("x", "Plaid Checking", "0000", "depository", "savings")),
                EXISTING).isEmpty());
        assertTrue(detector.findDuplicate(CHASE, List.of(new LinkedAccount("x", "Business Checking", "0000", "depository", "checking")),
                EXISTING).isEmpty());
    }

    @Test
    void noInstitutionComparesOnlyWithItemsWithoutOne() {
        // Database Insights: institution and names are null
        LinkedAccount di = new LinkedAccount("d1", null, "1234", "depository", "checking");
        List<ExistingItem> existing = List.of(new ExistingItem("item-di", new InstitutionRef(null, null), List.of(di)),
                new ExistingItem("item-chase", CHASE, List.of(new LinkedAccount("c", "Checking", "1234", "depository", "checking"))));
        assertEquals("item-di", detector.findDuplicate(null, List.of(new LinkedAccount("d2", null, "1234", "depository", "checking")),
                existing).orElseThrow().existingItemId());
    }

    @Test
    void noAccountsNoDuplicate() {
        assertTrue(detector.findDuplicate(CHASE, List.of(), EXISTING).isEmpty());
    }
}
