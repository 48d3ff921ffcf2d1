package dev.tartan.emulator.webhook;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Signs webhook bodies the way Plaid does: a compact ES256 JWS in the {@code Plaid-Verification} header, header
 * {@code {"alg":"ES256","kid":…,"typ":"JWT"}}, claims {@code iat} (Unix seconds) and {@code request_body_sha256}
 * (lowercase hex SHA-256 of the exact body bytes sent).
 *
 * <p>Keys are P-256, generated in memory. {@link #rotate()} makes a new key the signing key; older keys stay
 * retrievable (and so keep verifying) until {@link #expire(String)} gives them an {@code expired_at}.
 *
 * <p>Deliberately free of Quarkus and CDI: a load generator reuses it to pre-sign requests. Thread-safe.
 */
public final class WebhookSigner {
    /** Name of the HTTP header that carries the JWS. */
    public static final String HEADER = "Plaid-Verification";

    /** One verification key: the private half stays here, {@link #toPlaidJwk()} is what Plaid publishes. */
    public record VerificationKey(String kid, ECKey key, long createdAt, Long expiredAt) {
        /** The key as {@code /webhook_verification_key/get} returns it ({@code JWKPublicKey}). */
        public Map<String, Object> toPlaidJwk() {
            Map<String, Object> jwk = new LinkedHashMap<>();
            jwk.put("alg", "ES256");
            jwk.put("created_at", createdAt);
            jwk.put("crv", "P-256");
            jwk.put("expired_at", expiredAt);
            jwk.put("kid", kid);
            jwk.put("kty", "EC");
            jwk.put("use", "sig");
            jwk.put("x", key.getX().toString());
            jwk.put("y", key.getY().toString());
            return jwk;
        }
    }

    private final Map<String, VerificationKey> keys = new LinkedHashMap<>();
    private VerificationKey current;
    private ECDSASigner currentSigner;

    /** Starts with one fresh signing key. */
    public WebhookSigner() {
        rotate();
    }

    /** Generates a new P-256 key and signs with it from now on; returns it. Older keys are left unexpired. */
    public synchronized VerificationKey rotate() {
        try {
            String kid = UUID.randomUUID().toString();
            ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE)
                    .algorithm(JWSAlgorithm.ES256).generate();
            VerificationKey vk = new VerificationKey(kid, key, Instant.now().getEpochSecond(), null);
            keys.put(kid, vk);
            current = vk;
            currentSigner = new ECDSASigner(key);
            return vk;
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate a P-256 key", e);
        }
    }

    /**
     * Retires a key: it gets {@code expired_at = now} (verifiers then reject it). Expiring the signing key also
     * rotates, so webhooks are never signed with an expired key. Empty when {@code kid} is unknown.
     */
    public synchronized Optional<VerificationKey> expire(String kid) {
        VerificationKey vk = keys.get(kid);
        if (vk == null) {
            return Optional.empty();
        }
        VerificationKey expired = vk.expiredAt() != null ? vk
                : new VerificationKey(vk.kid(), vk.key(), vk.createdAt(), Instant.now().getEpochSecond());
        keys.put(kid, expired);
        if (current.kid().equals(kid)) {
            rotate();
        }
        return Optional.of(expired);
    }

    /** Forgets every key and starts over with one new signing key. */
    public synchronized void resetKeys() {
        keys.clear();
        rotate();
    }

    public synchronized Optional<VerificationKey> key(String kid) {
        return Optional.ofNullable(keys.get(kid));
    }

    public synchronized List<VerificationKey> keys() {
        return new ArrayList<>(keys.values());
    }

    public synchronized VerificationKey currentKey() {
        return current;
    }

    /** Signs {@code body} with the current key, issued now. */
    public String sign(byte[] body) {
        return sign(body, Instant.now());
    }

    /** Signs {@code body} with the current key and the given issue time. */
    public String sign(byte[] body, Instant issuedAt) {
        VerificationKey key;
        ECDSASigner signer;
        synchronized (this) {
            key = current;
            signer = currentSigner;
        }
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", issuedAt.getEpochSecond());
        claims.put("request_body_sha256", sha256Hex(body));
        JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.kid()).type(JOSEObjectType.JWT).build();
        JWSObject jws = new JWSObject(header, new Payload(claims));
        try {
            jws.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign webhook", e);
        }
        return jws.serialize();
    }

    /** Lowercase hex SHA-256, as in the {@code request_body_sha256} claim. */
    public static String sha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sha256Hex(String body) {
        return sha256Hex(body.getBytes(StandardCharsets.UTF_8));
    }
}
