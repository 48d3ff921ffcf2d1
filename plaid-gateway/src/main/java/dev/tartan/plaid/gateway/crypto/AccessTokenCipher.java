package dev.tartan.plaid.gateway.crypto;

import dev.tartan.contracts.SealedToken;

import dev.tartan.plaid.gateway.PlaidGateway;
import dev.tartan.plaid.gateway.PlaidGatewayConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;

/**
 * Seals Plaid access tokens with AES-256-GCM so they can be stored and sent in events, and opens them
 * again inside the gateway only.
 *
 * <p>Format: {@code base64(nonce(12) || ciphertext || tag(16))}, the key id in
 * {@link SealedToken#keyId()}, and the Item id (UTF-8) as associated data, so a token copied onto
 * another Item does not open. New tokens are sealed with the active key; every configured key opens
 * what it sealed, which is how keys rotate: add a key, make it active, {@link #reseal} the stored
 * tokens, then drop the old key.
 *
 * <p>{@link Startup}: a missing or malformed key stops the service at boot, not at its first Plaid call.
 */
@Startup
@ApplicationScoped
public class AccessTokenCipher {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final TokenKeyRing keyRing;
    private final SecureRandom random = new SecureRandom();

    @Inject
    public AccessTokenCipher(PlaidGatewayConfig config) {
        this(TokenKeyRing.fromConfig(config.tokenEncryption().activeKeyId(), config.tokenEncryption().keys()));
    }

    public AccessTokenCipher(TokenKeyRing keyRing) {
        this.keyRing = Objects.requireNonNull(keyRing, "keyRing");
    }

    /** Encrypts a clear access token (straight from {@code /item/public_token/exchange}) for that Item under the active key. */
    public SealedToken seal(String itemId, String accessToken) {
        requireItemId(itemId);
        if (accessToken == null || accessToken.isEmpty()) {
            throw new IllegalArgumentException("no access token to seal for Item " + itemId);
        }
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keyRing.activeKey(), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(itemId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(accessToken.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return new SealedToken(keyRing.activeKeyId(), Base64.getEncoder().encodeToString(out));
        } catch (GeneralSecurityException e) {
            // AES/GCM is mandatory in every JDK: this is a broken runtime, not bad input
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    /**
     * Re-encrypts a token under the active key, for the key-rotation job. Returns {@code token} itself
     * when it is already sealed with the active key.
     *
     * @throws TokenDecryptionException when the token does not open (unknown key, tampered, other Item)
     */
    public SealedToken reseal(String itemId, SealedToken token) {
        Objects.requireNonNull(token, "token");
        if (isSealedWithActiveKey(token)) {
            return token;
        }
        return seal(itemId, open(itemId, token));
    }

    /** Whether the rotation job can skip this token. */
    public boolean isSealedWithActiveKey(SealedToken token) {
        return keyRing.activeKeyId().equals(token.keyId());
    }

    /** The id of the key that seals new tokens. */
    public String activeKeyId() {
        return keyRing.activeKeyId();
    }

    /**
     * Opens a token, for {@link PlaidGateway} only: the clear token must never leave the gateway. The
     * {@link PlaidGateway.GatewayOnly} argument cannot be created outside {@code PlaidGateway}, so no
     * other code can call this by accident.
     */
    public String open(String itemId, SealedToken token, PlaidGateway.GatewayOnly proof) {
        Objects.requireNonNull(proof, "only PlaidGateway opens access tokens");
        return open(itemId, token);
    }

    /** Opens a token. Package-private: see {@link #open(String, SealedToken, PlaidGateway.GatewayOnly)}. */
    String open(String itemId, SealedToken token) {
        requireItemId(itemId);
        Objects.requireNonNull(token, "token");
        SecretKey key = keyRing.key(token.keyId());
        if (key == null) {
            throw new TokenDecryptionException(itemId, token.keyId(), "the access token of Item " + itemId
                    + " is sealed with key '" + token.keyId() + "', which is not configured (configured: "
                    + keyRing.keyIds() + "): keep old keys in tartan.plaid.token-encryption.keys until every token is resealed", null);
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(token.ciphertext());
        } catch (IllegalArgumentException e) {
            throw new TokenDecryptionException(itemId, token.keyId(), "the access token of Item " + itemId + " is not base64", null);
        }
        if (raw.length < NONCE_BYTES + TAG_BITS / 8 + 1) {
            throw new TokenDecryptionException(itemId, token.keyId(), "the access token of Item " + itemId + " is too short to be a sealed token", null);
        }
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(itemId.getBytes(StandardCharsets.UTF_8));
            byte[] clear = cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
            return new String(clear, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new TokenDecryptionException(itemId, token.keyId(), "the access token of Item " + itemId
                    + " does not authenticate under key '" + token.keyId() + "': it was altered or sealed for another Item", e);
        } catch (GeneralSecurityException e) {
            throw new TokenDecryptionException(itemId, token.keyId(), "the access token of Item " + itemId + " could not be decrypted", e);
        }
    }

    private static void requireItemId(String itemId) {
        if (itemId == null || itemId.isBlank()) {
            // the Item id is the associated data: without it a token is not bound to anything
            throw new IllegalArgumentException("an Item id is required to seal or open an access token");
        }
    }
}
