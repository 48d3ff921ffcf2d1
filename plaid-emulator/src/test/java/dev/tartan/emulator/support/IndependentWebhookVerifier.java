package dev.tartan.emulator.support;

import com.plaid.client.model.JWKPublicKey;
import org.jose4j.jwa.AlgorithmConstraints;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jws.AlgorithmIdentifiers;
import org.jose4j.jws.JsonWebSignature;
import org.jose4j.json.JsonUtil;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Verifies a webhook the way a receiver following Plaid's published steps would, with jose4j (a different JOSE library
 * from the emulator's nimbus signer): ES256 only, key by {@code kid} via {@code /webhook_verification_key/get}, key not
 * expired, signature valid, {@code iat} at most 5 minutes old, SHA-256 of the raw body equal (constant time).
 */
public final class IndependentWebhookVerifier {
    /** The verified claims. */
    public record Verified(String kid, long iat, String bodySha256) {
    }

    private IndependentWebhookVerifier() {
    }

    public static Verified verify(byte[] body, String jwt, Function<String, JWKPublicKey> keyById) throws Exception {
        if (jwt == null) {
            throw new SecurityException("no Plaid-Verification header");
        }
        JsonWebSignature jws = new JsonWebSignature();
        jws.setAlgorithmConstraints(new AlgorithmConstraints(AlgorithmConstraints.ConstraintType.PERMIT,
                AlgorithmIdentifiers.ECDSA_USING_P256_CURVE_AND_SHA256));
        jws.setCompactSerialization(jwt);
        if (!"ES256".equals(jws.getAlgorithmHeaderValue())) {
            throw new SecurityException("alg is not ES256");
        }
        String kid = jws.getKeyIdHeaderValue();
        JWKPublicKey plaidKey = keyById.apply(kid);
        if (plaidKey == null) {
            throw new SecurityException("unknown kid " + kid);
        }
        if (plaidKey.getExpiredAt() != null) {
            throw new SecurityException("key " + kid + " is expired");
        }
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", plaidKey.getKty());
        jwk.put("crv", plaidKey.getCrv());
        jwk.put("x", plaidKey.getX());
        jwk.put("y", plaidKey.getY());
        jws.setKey(JsonWebKey.Factory.newJwk(jwk).getKey());
        if (!jws.verifySignature()) {
            throw new SecurityException("bad signature");
        }
        Map<String, Object> claims = JsonUtil.parseJson(jws.getPayload());
        long iat = ((Number) claims.get("iat")).longValue();
        long now = System.currentTimeMillis() / 1000;
        if (now - iat > 300) {
            throw new SecurityException("token older than 5 minutes");
        }
        String claimed = (String) claims.get("request_body_sha256");
        String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                claimed.getBytes(StandardCharsets.US_ASCII))) {
            throw new SecurityException("body hash mismatch");
        }
        return new Verified(kid, iat, claimed);
    }
}
