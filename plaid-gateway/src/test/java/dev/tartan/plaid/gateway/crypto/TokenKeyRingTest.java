package dev.tartan.plaid.gateway.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every way the key configuration can be wrong stops start-up with a message naming what to set. */
class TokenKeyRingTest {

    static final String K32 = Base64.getEncoder().encodeToString(new byte[32]);

    @Test
    void missingActiveKeyIdNamesTheProperty() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> TokenKeyRing.fromConfig(Optional.empty(), Map.of()));
        assertTrue(e.getMessage().contains("tartan.plaid.token-encryption.active-key-id"), e.getMessage());
        assertTrue(e.getMessage().contains("TARTAN_PLAID_TOKEN_ENCRYPTION_ACTIVE_KEY_ID"), e.getMessage());
        assertTrue(e.getMessage().contains("no key is configured"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> TokenKeyRing.fromConfig(Optional.of("  "), Map.of("k1", K32)));
    }

    @Test
    void activeKeyIdNotAmongTheKeysNamesTheMissingKey() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TokenKeyRing.fromConfig(Optional.of("k2"), Map.of("k1", K32)));
        assertTrue(e.getMessage().contains("tartan.plaid.token-encryption.keys.k2 is not set"), e.getMessage());
        assertTrue(e.getMessage().contains("[k1]"), e.getMessage());
    }

    @Test
    void keyOfTheWrongLengthNamesTheKeyAndNeverEchoesIt() {
        String short16 = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes());
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TokenKeyRing.fromConfig(Optional.of("k1"), Map.of("k1", short16)));
        assertTrue(e.getMessage().contains("tartan.plaid.token-encryption.keys.k1 decodes to 16 bytes"), e.getMessage());
        assertFalse(e.getMessage().contains(short16));
    }

    @Test
    void keyThatIsNotBase64NamesTheKeyAndNeverEchoesIt() {
        String value = "this-is-not-base64-%%%";
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TokenKeyRing.fromConfig(Optional.of("k1"), Map.of("k1", value)));
        assertTrue(e.getMessage().contains("tartan.plaid.token-encryption.keys.k1 is not valid base64"), e.getMessage());
        assertFalse(e.getMessage().contains(value));
    }

    @Test
    void emptyKeyAndOddKeyIdsAreRefused() {
        assertThrows(IllegalStateException.class, () -> TokenKeyRing.fromConfig(Optional.of("k1"), Map.of("k1", " ")));
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> TokenKeyRing.fromConfig(Optional.of("k1"), Map.of("k1", K32, "bad id", K32)));
        assertTrue(e.getMessage().contains("'bad id'"), e.getMessage());
    }

    @Test
    void aValidRingKnowsItsKeys() {
        TokenKeyRing ring = TokenKeyRing.fromConfig(Optional.of("k2"), Map.of("k1", K32, "k2", K32));
        assertEquals("k2", ring.activeKeyId());
        assertEquals(Set.of("k1", "k2"), ring.keyIds());
        assertFalse(ring.toString().contains(K32));
    }
}
