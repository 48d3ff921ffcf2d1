package dev.tartan.emulator.identity;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The examples of the Identity guide's score tables land in their bands. */
class IdentityMatcherTest {
    private static void inBand(int score, int low, int high) {
        assertTrue(score >= low && score <= high, score + " not in " + low + "-" + high);
    }

    @Test
    void nameExamples() {
        assertEquals(100, IdentityMatcher.name("Andrew Smith", "Andrew Smith").score());
        inBand(IdentityMatcher.name("Andrew Simth", "Andrew Smith").score(), 85, 99);
        inBand(IdentityMatcher.name("Andy Simth", "Andrew Smith").score(), 70, 84);
        inBand(IdentityMatcher.name("Betty Smith", "Andrew Smith").score(), 50, 69);
        inBand(IdentityMatcher.name("Ray Charles", "Andrew Smith").score(), 0, 49);
        inBand(IdentityMatcher.name("Andy Smith", "Andrew Smith").score(), 85, 99);
        assertTrue(IdentityMatcher.name("Andy Smith", "Andrew Smith").nicknameMatch());
        inBand(IdentityMatcher.name("Alberta Charleson", "Alberta Bobbeth Charleson").score(), 85, 99);
    }

    @Test
    void phoneExamples() {
        assertEquals(100, IdentityMatcher.phone("+1-555-867-5309", "+1-555-867-5309"));
        inBand(IdentityMatcher.phone("+1-555-867-5309", "1 (555)-867-5309"), 90, 99);
        inBand(IdentityMatcher.phone("+1-555-867-5309", "5558675309"), 70, 89);
        inBand(IdentityMatcher.phone("+1-555-867-5309", "555-867-5302"), 0, 69);
    }

    @Test
    void emailAndAddressExamples() {
        assertEquals(100, IdentityMatcher.email("a@example.com", "a@example.com"));
        inBand(IdentityMatcher.email("a+tag@example.com", "a@example.com"), 70, 99);
        inBand(IdentityMatcher.email("zed@other.org", "a@example.com"), 0, 69);
        var onFile = new dev.tartan.emulator.user.Owner.Address("2992 Cameron Road", "Malakoff", "NY", "14236",
                "US", true);
        assertEquals(100, IdentityMatcher.address(new IdentityMatcher.UserAddress("2992 Cameron Rd.", "Malakoff",
                "NY", "14236", "US"), onFile).score());
        inBand(IdentityMatcher.address(new IdentityMatcher.UserAddress("2992 Cameron Rd", "Malakof", "NY",
                "14236", "US"), onFile).score(), 90, 99);
        inBand(IdentityMatcher.address(new IdentityMatcher.UserAddress("2992 Camron Rd", "Malakoff", "NY",
                "14236", "US"), onFile).score(), 70, 89);
        inBand(IdentityMatcher.address(new IdentityMatcher.UserAddress("1 Main St", "Pawnee", "IN", "46001", "US"),
                onFile).score(), 0, 69);
    }
}
