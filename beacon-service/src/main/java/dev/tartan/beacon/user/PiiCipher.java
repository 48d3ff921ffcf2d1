package dev.tartan.beacon.user;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts user PII at rest with the access-token scheme (plaid-gateway's {@code AccessTokenCipher}): AES-256-GCM,
 * {@code base64(nonce(12) || ciphertext || tag)}, a key id beside the ciphertext so keys rotate, and the client
 * user id as associated data so a blob copied onto another user does not open. Its own keys
 * ({@code tartan.beacon.pii-encryption.*}): PII and access tokens have different owners and rotation schedules.
 */
public final class PiiCipher {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    private static final String PREFIX = "tartan.beacon.pii-encryption.";

    /** Ciphertext with the id of the key that made it. */
    public record Sealed(String keyId, String ciphertext) {
        @Override
        public String toString() {
            return "Sealed[keyId=" + keyId + "]";
        }
    }

    private final String activeKeyId;
    private final Map<String, SecretKey> keys;
    private final SecureRandom random = new SecureRandom();

    private PiiCipher(String activeKeyId, Map<String, SecretKey> keys) {
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(keys);
    }

    /** @throws IllegalStateException naming the key to set when the configuration is missing or malformed */
    public static PiiCipher fromConfig(Optional<String> activeKeyId, Map<String, String> base64Keys) {
        String active = activeKeyId.map(String::strip).filter(s -> !s.isEmpty()).orElseThrow(() -> new IllegalStateException(
                "user PII encryption is not configured: set " + PREFIX + "active-key-id (env TARTAN_BEACON_PII_ENCRYPTION_ACTIVE_KEY_ID) and "
                        + PREFIX + "keys.<that id> to a base64-encoded 32-byte key (`openssl rand -base64 32`)"));
        Map<String, SecretKey> keys = new TreeMap<>();
        (base64Keys == null ? Map.<String, String>of() : base64Keys).forEach((id, value) -> {
            if (!KEY_ID.matcher(id).matches()) {
                throw new IllegalStateException("PII key id '" + id + "' is not allowed: 1-64 letters, digits, '_' or '-'");
            }
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(value == null ? "" : value.strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(PREFIX + "keys." + id + " is not valid base64");
            }
            if (raw.length != 32) {
                throw new IllegalStateException(PREFIX + "keys." + id + " decodes to " + raw.length + " bytes; AES-256-GCM needs 32");
            }
            keys.put(id, new SecretKeySpec(raw, "AES"));
        });
        if (!keys.containsKey(active)) {
            throw new IllegalStateException(PREFIX + "active-key-id is '" + active + "' but " + PREFIX + "keys." + active
                    + " is not set; configured key ids: " + keys.keySet());
        }
        return new PiiCipher(active, keys);
    }

    public Sealed seal(String clientUserId, String clear) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(aad(clientUserId));
            byte[] sealed = cipher.doFinal(clear.getBytes(StandardCharsets.UTF_8));
            return new Sealed(activeKeyId, Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public String open(String clientUserId, Sealed sealed) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("user data is sealed with PII key '" + sealed.keyId() + "', which is not configured (configured: "
                    + keys.keySet() + ")");
        }
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(aad(clientUserId));
            return new String(cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("user data of one user does not authenticate under PII key '" + sealed.keyId()
                    + "': altered or sealed for another user", e);
        }
    }

    public String activeKeyId() {
        return activeKeyId;
    }

    private static byte[] aad(String clientUserId) {
        if (clientUserId == null || clientUserId.isBlank()) {
            throw new IllegalArgumentException("a client user id is required to seal or open user data");
        }
        return clientUserId.getBytes(StandardCharsets.UTF_8);
    }
}
