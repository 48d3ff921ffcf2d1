package dev.tartan.identity.profile;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tartan.contracts.EventJson;
import dev.tartan.plaid.gateway.PlaidGatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Seals PII at rest (the KYC profile, owner snapshots) with the access-token scheme and key ring of the
 * Plaid gateway ({@code tartan.plaid.token-encryption.*}): AES-256-GCM, {@code base64(nonce(12) || ciphertext || tag)},
 * the key id stored beside it so keys rotate, and associated data binding the ciphertext to what it belongs to
 * ({@code identity-profile:<client_user_id>}, {@code identity-owners:<item_id>:<account_id>}), so a row copied
 * onto another user or account does not open. The gateway's cipher opens only access tokens and only inside the
 * gateway, so this class reads the same keys rather than reusing it.
 */
@ApplicationScoped
public class ProfileSealer {

    private static final String TRANSFORMATION = "AES/GCM/NoPadding";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecureRandom random = new SecureRandom();
    private final String activeKeyId;
    private final Map<String, SecretKey> keys;

    @Inject
    public ProfileSealer(PlaidGatewayConfig config) {
        this(config.tokenEncryption().activeKeyId().orElseThrow(() -> new IllegalStateException(
                "tartan.plaid.token-encryption.active-key-id is required (it also seals identity profiles)")),
                config.tokenEncryption().keys());
    }

    public ProfileSealer(String activeKeyId, Map<String, String> base64Keys) {
        Map<String, SecretKey> decoded = new HashMap<>();
        base64Keys.forEach((id, value) -> {
            byte[] raw = Base64.getDecoder().decode(value.trim());
            if (raw.length != 32) {
                throw new IllegalStateException("token-encryption key '" + id + "' must be 32 bytes (base64), has " + raw.length);
            }
            decoded.put(id, new SecretKeySpec(raw, "AES"));
        });
        if (!decoded.containsKey(activeKeyId)) {
            throw new IllegalStateException("token-encryption active key '" + activeKeyId + "' is not among the configured keys");
        }
        this.activeKeyId = activeKeyId;
        this.keys = Map.copyOf(decoded);
    }

    /** Sealed bytes with the id of the key that sealed them. */
    public record Sealed(String keyId, String ciphertext) {
        @Override
        public String toString() {
            return "Sealed[keyId=" + keyId + "]";
        }
    }

    public static String profileContext(String clientUserId) {
        return "identity-profile:" + clientUserId;
    }

    public static String ownersContext(String itemId, String accountId) {
        return "identity-owners:" + itemId + ":" + accountId;
    }

    public Sealed sealJson(String context, Object value) {
        try {
            return seal(context, EventJson.mapper().writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    public <T> T openJson(String context, Sealed sealed, Class<T> type) {
        try {
            return EventJson.mapper().readValue(open(context, sealed), type);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("sealed " + type.getSimpleName() + " does not parse", e);
        }
    }

    public Sealed seal(String context, byte[] clear) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(clear);
            return new Sealed(activeKeyId, Base64.getEncoder().encodeToString(
                    ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public byte[] open(String context, Sealed sealed) {
        SecretKey key = keys.get(sealed.keyId());
        if (key == null) {
            throw new IllegalStateException("sealed with key '" + sealed.keyId() + "', which is not configured");
        }
        byte[] raw = Base64.getDecoder().decode(sealed.ciphertext());
        try {
            Cipher cipher = Cipher.getInstance(TRANSFORMATION);
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE_BYTES));
            cipher.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(raw, NONCE_BYTES, raw.length - NONCE_BYTES);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealed data for " + context.substring(0, context.indexOf(':'))
                    + " does not open with key '" + sealed.keyId() + "' (tampered, or copied from another owner)", e);
        }
    }
}
