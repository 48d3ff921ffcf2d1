package dev.tartan.ingest.verification;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Signs like Plaid (ES256 compact JWS with iat and request_body_sha256) with a key of its own, for plain tests. */
public final class TestSigner {

    public final ECKey key;

    public TestSigner() {
        try {
            key = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public String kid() {
        return key.getKeyID();
    }

    public VerificationKey verificationKey(java.security.Provider provider) {
        return VerificationKey.of(kid(), key.toPublicJWK(), 0, null, provider);
    }

    public String sign(byte[] body) {
        return sign(body, Instant.now());
    }

    public String sign(byte[] body, Instant iat) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iat", iat.getEpochSecond());
        claims.put("request_body_sha256", WebhookVerifier.sha256Hex(body));
        return signClaims(claims);
    }

    public String signClaims(Map<String, Object> claims) {
        try {
            JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(kid()).type(JOSEObjectType.JWT).build(),
                    new Payload(claims));
            jws.sign(new ECDSASigner(key));
            return jws.serialize();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
