package dev.tartan.beacon.user;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UserDataTest {

    static UserData valid() {
        return new UserData(new UserData.Name("Ann", "Perkins"), LocalDate.of(1985, 4, 2),
                new UserData.Address("123 Main St", null, "Pawnee", "IN", "46001", "US"), "ann@example.com", "+15555550123",
                new UserData.IdNumber("123456789", "us_ssn"), "203.0.113.7", null);
    }

    @Test
    void createNeedsNameAndDobOrAccounts() {
        assertTrue(valid().validateForCreate().isEmpty());
        UserData noDob = new UserData(new UserData.Name("A", "B"), null, null, null, null, null, null, null);
        assertEquals(1, noDob.validateForCreate().size());
        UserData accountsInstead = new UserData(new UserData.Name("A", "B"), null, null, null, null, null, null,
                List.of(new UserData.DepositoryAccount("1234567890", "011000028")));
        assertTrue(accountsInstead.validateForCreate().isEmpty());
        UserData noName = new UserData(null, LocalDate.of(1990, 1, 1), null, null, null, null, null, null);
        assertFalse(noName.validateForCreate().isEmpty());
    }

    @Test
    void fieldsAreChecked() {
        UserData bad = new UserData(new UserData.Name("A", "B"), LocalDate.of(1990, 1, 1),
                new UserData.Address("", null, "X", null, null, "USA"), "not-an-email", "555-1234",
                new UserData.IdNumber("1", null), null, List.of(new UserData.DepositoryAccount("12ab", "1")));
        List<String> problems = bad.validateForCreate();
        assertEquals(6, problems.size(), problems.toString());
        // problems name fields, never values
        assertTrue(problems.stream().noneMatch(p -> p.contains("not-an-email") || p.contains("555-1234")));
    }

    @Test
    void updateNeedsAField() {
        assertFalse(new UserData(null, null, null, null, null, null, null, null).validateForUpdate().isEmpty());
        assertTrue(new UserData(null, null, null, "x@example.org", null, null, null, null).validateForUpdate().isEmpty());
    }

    @Test
    void mergeKeepsWhatThePatchDoesNotSet() {
        UserData merged = valid().mergedWith(new UserData(null, null, null, "new@example.org", null, null, null, null));
        assertEquals("new@example.org", merged.emailAddress());
        assertEquals("Perkins", merged.name().familyName());
    }

    @Test
    void toStringNeverShowsPii() {
        String s = valid().toString() + valid().name() + valid().address() + valid().idNumber();
        assertFalse(s.contains("Perkins") || s.contains("Main") || s.contains("123456789"));
    }

    @Test
    void piiCipherRoundTripsAndBindsToTheUser() {
        String key = Base64.getEncoder().encodeToString(new byte[32]);
        PiiCipher c = PiiCipher.fromConfig(Optional.of("k1"), Map.of("k1", key));
        PiiCipher.Sealed s = c.seal("user-1", "{\"secret\":1}");
        assertEquals("k1", s.keyId());
        assertFalse(s.ciphertext().contains("secret"));
        assertEquals("{\"secret\":1}", c.open("user-1", s));
        assertNotEquals(s.ciphertext(), c.seal("user-1", "{\"secret\":1}").ciphertext());
        assertThrows(IllegalStateException.class, () -> c.open("user-2", s));
        assertThrows(IllegalStateException.class, () -> PiiCipher.fromConfig(Optional.empty(), Map.of()));
        assertThrows(IllegalStateException.class, () -> PiiCipher.fromConfig(Optional.of("k2"), Map.of("k1", key)));
        assertThrows(IllegalStateException.class, () -> PiiCipher.fromConfig(Optional.of("k1"), Map.of("k1", "c2hvcnQ=")));
    }
}
