package dev.tartan.plaid.gateway.crypto;

import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Pattern;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token-encryption keys by id, and which one seals new tokens. Built once from configuration;
 * every way the configuration can be wrong fails here, with a message naming the key to set, so a
 * service with a bad key never starts rather than failing at its first Plaid call.
 */
public final class TokenKeyRing {

    static final String PREFIX = "tartan.plaid.token-encryption.";
    static final String ACTIVE_KEY_ID = PREFIX + "active-key-id";
    static final String KEYS = PREFIX + "keys";
    static final int KEY_BYTES = 32;
    // key ids travel in every SealedToken and in env var names: keep them short and plain
    private static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private final String activeKeyId;
    private final Map<String, SecretKey> keys;

    private TokenKeyRing(String activeKeyId, Map<String, SecretKey> keys) {
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(keys);
    }

    /**
     * @param activeKeyId the value of {@code tartan.plaid.token-encryption.active-key-id}
     * @param base64Keys  the map {@code tartan.plaid.token-encryption.keys.<key-id>=<base64 of 32 bytes>}
     * @throws IllegalStateException when a key is missing or malformed; the message says what to set
     */
    public static TokenKeyRing fromConfig(Optional<String> activeKeyId, Map<String, String> base64Keys) {
        Map<String, String> configured = base64Keys == null ? Map.of() : new TreeMap<>(base64Keys);
        String active = activeKeyId.map(String::strip).filter(s -> !s.isEmpty()).orElseThrow(() -> new IllegalStateException(
                "Plaid access-token encryption is not configured: set " + ACTIVE_KEY_ID
                        + " (env TARTAN_PLAID_TOKEN_ENCRYPTION_ACTIVE_KEY_ID) to the id of the key that seals new tokens, and "
                        + KEYS + ".<that id> to a base64-encoded 32-byte key (for example the output of `openssl rand -base64 32`)"
                        + (configured.isEmpty() ? "; no key is configured at all" : "; configured key ids: " + configured.keySet())));
        Map<String, SecretKey> keys = new TreeMap<>();
        configured.forEach((id, value) -> keys.put(id, decode(id, value)));
        if (!keys.containsKey(active)) {
            throw new IllegalStateException(ACTIVE_KEY_ID + " is '" + active + "' but " + KEYS + "." + active
                    + " is not set: add that key (base64 of 32 random bytes) or point " + ACTIVE_KEY_ID
                    + " at a configured key; configured key ids: " + keys.keySet());
        }
        return new TokenKeyRing(active, keys);
    }

    private static SecretKey decode(String id, String value) {
        if (!KEY_ID.matcher(id).matches()) {
            throw new IllegalStateException("token-encryption key id '" + id + "' (" + KEYS + "." + id
                    + ") is not allowed: use 1-64 letters, digits, '_' or '-', starting with a letter or digit");
        }
        String property = KEYS + "." + id;
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is empty: set it to a base64-encoded 32-byte key");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(value.strip());
        } catch (IllegalArgumentException e) {
            // the value itself is a secret: never echo it
            throw new IllegalStateException(property + " is not valid base64: set it to a base64-encoded 32-byte key "
                    + "(for example the output of `openssl rand -base64 32`)");
        }
        if (raw.length != KEY_BYTES) {
            throw new IllegalStateException(property + " decodes to " + raw.length
                    + " bytes; AES-256-GCM needs exactly 32 (for example the output of `openssl rand -base64 32`)");
        }
        return new SecretKeySpec(raw, "AES");
    }

    /** The id of the key that seals new tokens. */
    public String activeKeyId() {
        return activeKeyId;
    }

    SecretKey activeKey() {
        return keys.get(activeKeyId);
    }

    /** The key with that id, or {@code null}. */
    SecretKey key(String keyId) {
        return keys.get(keyId);
    }

    /** Every configured key id (the active one and the ones kept to open older tokens). */
    public java.util.Set<String> keyIds() {
        return new java.util.TreeSet<>(keys.keySet());
    }

    @Override
    public String toString() {
        return "TokenKeyRing[active=" + activeKeyId + ", keys=" + keyIds() + "]";
    }
}
