package dev.tartan.plaid.gateway.crypto;

/**
 * A sealed access token could not be opened: unknown key id, not our format, tampered with, or sealed
 * for another Item. Never retried: the same input fails the same way. The message names the Item and
 * the key id, never the ciphertext.
 */
public class TokenDecryptionException extends RuntimeException {

    private final String itemId;
    private final String keyId;

    public TokenDecryptionException(String itemId, String keyId, String message, Throwable cause) {
        super(message, cause);
        this.itemId = itemId;
        this.keyId = keyId;
    }

    public String itemId() {
        return itemId;
    }

    public String keyId() {
        return keyId;
    }
}
