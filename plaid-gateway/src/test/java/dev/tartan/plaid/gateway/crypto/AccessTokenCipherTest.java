package dev.tartan.plaid.gateway.crypto;

import dev.tartan.contracts.SealedToken;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class AccessTokenCipherTest {

    static final byte[] RAW_K1 = key(1);
    static final byte[] RAW_K2 = key(2);
    static final String TOKEN = "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970";
    static final String ITEM = "item-Ed6bjNrDLJfGvZWwnkQlfxwoNz54B5C97ejBr";

    static byte[] key(int seed) {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) {
            b[i] = (byte) (seed * 17 + i);
        }
        return b;
    }

    static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    static AccessTokenCipher cipher(String active, Map<String, String> keys) {
        return new AccessTokenCipher(TokenKeyRing.fromConfig(Optional.of(active), keys));
    }

    @Test
    void roundTripsAndSealsWithTheActiveKey() {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken sealed = cipher.seal(ITEM, TOKEN);
        assertEquals("k1", sealed.keyId());
        assertFalse(sealed.ciphertext().contains(TOKEN));
        assertEquals(TOKEN, cipher.open(ITEM, sealed));
    }

    @Test
    void formatIsNonceThenCiphertextAndTagWithTheItemIdAsAssociatedData() throws Exception {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken sealed = cipher.seal(ITEM, TOKEN);
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        assertEquals(12 + TOKEN.length() + 16, raw.length);

        // decrypt with nothing but the JDK and the documented format
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(RAW_K1, "AES"), new GCMParameterSpec(128, raw, 0, 12));
        gcm.updateAAD(ITEM.getBytes(StandardCharsets.UTF_8));
        assertEquals(TOKEN, new String(gcm.doFinal(raw, 12, raw.length - 12), StandardCharsets.UTF_8));
    }

    @Test
    void everySealUsesAFreshNonce() {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken a = cipher.seal(ITEM, TOKEN);
        SealedToken b = cipher.seal(ITEM, TOKEN);
        assertNotEquals(a.ciphertext(), b.ciphertext());
        assertNotEquals(a.ciphertext().substring(0, 16), b.ciphertext().substring(0, 16));
    }

    @Test
    void detectsTampering() {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken sealed = cipher.seal(ITEM, TOKEN);
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        for (int position : new int[] {0, 11, 12, raw.length / 2, raw.length - 1}) { // nonce, ciphertext, tag
            byte[] tampered = raw.clone();
            tampered[position] ^= 0x01;
            SealedToken bad = new SealedToken("k1", b64(tampered));
            TokenDecryptionException e = assertThrows(TokenDecryptionException.class, () -> cipher.open(ITEM, bad));
            assertTrue(e.getMessage().contains("altered or sealed for another Item"), e.getMessage());
            assertFalse(e.getMessage().contains(bad.ciphertext()));
        }
        assertThrows(TokenDecryptionException.class, () -> cipher.open(ITEM, new SealedToken("k1", "not base64 !!")));
        assertThrows(TokenDecryptionException.class, () -> cipher.open(ITEM, new SealedToken("k1", b64(new byte[20]))));
    }

    @Test
    void doesNotOpenForAnotherItem() {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken sealed = cipher.seal(ITEM, TOKEN);
        TokenDecryptionException e = assertThrows(TokenDecryptionException.class, () -> cipher.open("item-other", sealed));
        assertEquals("item-other", e.itemId());
        assertEquals("k1", e.keyId());
    }

    @Test
    void unknownKeyIdFailsWithAnActionableMessage() {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken sealed = cipher("k9", Map.of("k9", b64(RAW_K2))).seal(ITEM, TOKEN);
        TokenDecryptionException e = assertThrows(TokenDecryptionException.class, () -> cipher.open(ITEM, sealed));
        assertTrue(e.getMessage().contains("'k9', which is not configured"), e.getMessage());
    }

    @Test
    void rotationOldKeysOpenNewKeySealsResealMovesTokensOver() {
        AccessTokenCipher before = cipher("k1", Map.of("k1", b64(RAW_K1)));
        SealedToken old = before.seal(ITEM, TOKEN);

        // step 1: add k2 and make it active, keep k1
        AccessTokenCipher during = cipher("k2", Map.of("k1", b64(RAW_K1), "k2", b64(RAW_K2)));
        assertEquals(TOKEN, during.open(ITEM, old), "old key still opens");
        assertEquals("k2", during.seal(ITEM, TOKEN).keyId(), "new tokens use the new key");
        assertFalse(during.isSealedWithActiveKey(old));

        SealedToken resealed = during.reseal(ITEM, old);
        assertEquals("k2", resealed.keyId());
        assertEquals(TOKEN, during.open(ITEM, resealed));
        assertSame(resealed, during.reseal(ITEM, resealed), "already under the active key: returned as is");

        // step 2: drop k1; resealed tokens still open, old ones no longer do
        AccessTokenCipher after = cipher("k2", Map.of("k2", b64(RAW_K2)));
        assertEquals(TOKEN, after.open(ITEM, resealed));
        assertThrows(TokenDecryptionException.class, () -> after.open(ITEM, old));
    }

    @Test
    void resealOfATokenForAnotherItemFails() {
        AccessTokenCipher during = cipher("k2", Map.of("k1", b64(RAW_K1), "k2", b64(RAW_K2)));
        SealedToken old = cipher("k1", Map.of("k1", b64(RAW_K1))).seal(ITEM, TOKEN);
        assertThrows(TokenDecryptionException.class, () -> during.reseal("item-other", old));
    }

    @Test
    void refusesMissingItemIdOrToken() {
        AccessTokenCipher cipher = cipher("k1", Map.of("k1", b64(RAW_K1)));
        assertThrows(IllegalArgumentException.class, () -> cipher.seal(null, TOKEN));
        assertThrows(IllegalArgumentException.class, () -> cipher.seal(" ", TOKEN));
        assertThrows(IllegalArgumentException.class, () -> cipher.seal(ITEM, ""));
        assertThrows(NullPointerException.class, () -> cipher.open(ITEM, cipher.seal(ITEM, TOKEN), null));
    }

    @Test
    void sealedTokenHasTheContractsJsonShapeAndKeepsCiphertextOutOfToString() throws Exception {
        SealedToken token = new SealedToken("k1", "QUJD");
        ObjectMapper json = new ObjectMapper();
        String text = json.writeValueAsString(token);
        assertEquals("{\"key_id\":\"k1\",\"ciphertext\":\"QUJD\"}", text);
        assertEquals(token, json.readValue(text, SealedToken.class));
        assertFalse(token.toString().contains("QUJD"));
        assertThrows(IllegalArgumentException.class, () -> new SealedToken("", "QUJD"));
    }
}
