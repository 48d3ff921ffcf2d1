package dev.tartan.plaid.gateway.crypto;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An access token as it exists outside the Plaid gateway: AES-256-GCM ciphertext bound to its Item
 * (the Item id is the associated data) and tagged with the id of the key that sealed it, so keys can
 * rotate. Only the gateway opens it.
 *
 * <p>Same JSON as {@code dev.tartan.contracts.SealedToken} ({@code key_id}, {@code ciphertext}), so
 * the two convert field for field until they are merged.
 *
 * @param keyId      id of the token-encryption key that produced the ciphertext
 * @param ciphertext base64 of nonce (12 bytes) || ciphertext || GCM tag (16 bytes)
 */
public record SealedToken(@JsonProperty("key_id") String keyId, @JsonProperty("ciphertext") String ciphertext) {

    public SealedToken {
        if (keyId == null || keyId.isBlank() || ciphertext == null || ciphertext.isBlank()) {
            throw new IllegalArgumentException("a sealed token needs a key id and a ciphertext");
        }
    }

    /** The ciphertext is useless without the key, but it still has no business in logs. */
    @Override
    public String toString() {
        return "SealedToken[keyId=" + keyId + "]";
    }
}
