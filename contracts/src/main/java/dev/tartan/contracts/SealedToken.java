package dev.tartan.contracts;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * An access token as it exists outside the Plaid gateway: AES-256-GCM ciphertext bound to its Item
 * (the Item id is the associated data) and tagged with the id of the key that sealed it, so keys
 * can rotate. Only the gateway can open it.
 *
 * @param keyId      id of the token-encryption key that produced the ciphertext
 * @param ciphertext base64 of nonce (12 bytes) || ciphertext || GCM tag
 */
public record SealedToken(@JsonProperty("key_id") String keyId, @JsonProperty("ciphertext") String ciphertext) {

    public SealedToken {
        if (keyId == null || keyId.isBlank() || ciphertext == null || ciphertext.isBlank()) {
            throw new IllegalArgumentException("a sealed token needs a key id and a ciphertext");
        }
    }

    /** Never print the ciphertext either: it is useless without the key, but it has no business in logs. */
    @Override
    public String toString() {
        return "SealedToken[keyId=" + keyId + "]";
    }
}
