package dev.tartan.ingest.verification;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.jwk.ECKey;

import java.security.Provider;

/**
 * One Plaid webhook verification key, ready to verify: the JWK and a verifier bound to the chosen provider.
 *
 * @param kid       Plaid's key id
 * @param jwk       the public key (P-256, validated on the curve by the JOSE library)
 * @param verifier  thread-safe ES256 verifier for it
 * @param createdAt Plaid's {@code created_at} (Unix seconds), or 0
 * @param expiredAt Plaid's {@code expired_at} (Unix seconds), or {@code null} while the key is current
 */
public record VerificationKey(String kid, ECKey jwk, ECDSAVerifier verifier, long createdAt, Long expiredAt) {

    public boolean expired() {
        return expiredAt != null;
    }

    public static VerificationKey of(String kid, ECKey jwk, long createdAt, Long expiredAt, Provider provider) {
        try {
            ECDSAVerifier verifier = new ECDSAVerifier(jwk);
            if (provider != null) {
                verifier.getJCAContext().setProvider(provider);
            }
            return new VerificationKey(kid, jwk, verifier, createdAt, expiredAt);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable verification key " + kid + ": " + e.getMessage(), e);
        }
    }
}
