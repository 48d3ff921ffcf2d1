package dev.tartan.ingest.verification;

import com.nimbusds.jose.Algorithm;
import com.nimbusds.jose.Header;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObject;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;

/**
 * Checks a {@code Plaid-Verification} JWT against the raw body (REFERENCE 1.2), with nimbus-jose-jwt doing all JOSE
 * parsing and the ES256 verification. Split in two so the key lookup (possibly a fetch) sits between them:
 * {@link #precheck} does everything that needs no key (cheap, so forged traffic is refused before it can cause a key
 * fetch), {@link #verifySignature} the signature. Both throw {@link WebhookRejectedException}; the caller parses the
 * JSON only after both passed.
 */
public final class WebhookVerifier {

    /** Longest header we look at; Plaid's tokens are about 300 characters. */
    static final int MAX_TOKEN_CHARS = 4096;
    private static final HexFormat HEX = HexFormat.of(); // lowercase

    private final Duration maxAge;
    private final Duration maxFutureSkew;

    public WebhookVerifier(Duration maxAge, Duration maxFutureSkew) {
        this.maxAge = maxAge;
        this.maxFutureSkew = maxFutureSkew;
    }

    /** A token whose header, claims, freshness and body hash passed; the signature is not checked yet. */
    public record Token(String kid, JWSObject jws, Instant issuedAt, String bodySha256) {
    }

    public Token precheck(String headerValue, byte[] body, Instant now) {
        if (headerValue == null || headerValue.isBlank()) {
            throw new WebhookRejectedException(RejectionReason.MISSING_HEADER, "no Plaid-Verification header");
        }
        String compact = headerValue.trim();
        if (compact.length() > MAX_TOKEN_CHARS) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "Plaid-Verification longer than " + MAX_TOKEN_CHARS);
        }
        // 1. the header, decoded without trust: alg must be exactly ES256. Parsed once, as a JWS; only a token that is
        // not one is parsed again, generically, to tell a refused alg (none, a JWE alg) from garbage.
        Base64URL[] parts;
        try {
            parts = JOSEObject.split(compact);
        } catch (ParseException e) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "unparseable JWT: " + e.getMessage());
        }
        if (parts.length != 3) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "not a compact JWS (" + parts.length + " parts)");
        }
        JWSObject jws;
        try {
            jws = new JWSObject(parts[0], parts[1], parts[2]);
        } catch (ParseException e) {
            throw notAJws(parts[0], e);
        }
        Algorithm alg = jws.getHeader().getAlgorithm();
        if (!JWSAlgorithm.ES256.equals(alg) || !"ES256".equals(alg.getName())) {
            throw new WebhookRejectedException(RejectionReason.ALG_NOT_ALLOWED, "alg " + (alg == null ? null : alg.getName()) + " is not ES256");
        }
        String kid = jws.getHeader().getKeyID();
        if (kid == null || kid.isBlank() || kid.length() > 200) {
            throw new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "no usable kid");
        }
        if (parts[2].decode().length != 64) {
            throw new WebhookRejectedException(RejectionReason.BAD_SIGNATURE, "ES256 signature must be 64 bytes (R||S)", kid);
        }
        // 2. claims: iat and request_body_sha256, both required
        Instant iat;
        String claimedHash;
        try {
            java.util.Map<String, Object> json = jws.getPayload().toJSONObject();
            if (json == null) {
                throw new WebhookRejectedException(RejectionReason.BAD_CLAIMS, "payload is not a JSON object", kid);
            }
            Object rawIat = json.get("iat");
            JWTClaimsSet claims = JWTClaimsSet.parse(json);
            if (!(rawIat instanceof Number)) {
                throw new WebhookRejectedException(RejectionReason.BAD_CLAIMS, "iat missing or not a number", kid);
            }
            Date issued = claims.getIssueTime();
            claimedHash = claims.getStringClaim("request_body_sha256");
            if (issued == null || claimedHash == null) {
                throw new WebhookRejectedException(RejectionReason.BAD_CLAIMS, "iat or request_body_sha256 missing", kid);
            }
            iat = issued.toInstant();
        } catch (ParseException | RuntimeException e) {
            if (e instanceof WebhookRejectedException w) {
                throw w;
            }
            throw new WebhookRejectedException(RejectionReason.BAD_CLAIMS, "claims unreadable: " + e.getMessage(), kid);
        }
        // 3. freshness (no exp in Plaid's tokens: enforced here)
        if (iat.isBefore(now.minus(maxAge))) {
            throw new WebhookRejectedException(RejectionReason.STALE_IAT, "iat " + iat + " older than " + maxAge, kid);
        }
        if (iat.isAfter(now.plus(maxFutureSkew))) {
            throw new WebhookRejectedException(RejectionReason.FUTURE_IAT, "iat " + iat + " is in the future", kid);
        }
        // 4. the raw body bytes as received, compared in constant time
        String actual = sha256Hex(body);
        if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII), claimedHash.getBytes(StandardCharsets.UTF_8))) {
            throw new WebhookRejectedException(RejectionReason.BODY_HASH_MISMATCH, "body SHA-256 differs from request_body_sha256", kid);
        }
        return new Token(kid, jws, iat, actual);
    }

    /** A first part that is no JWS header: its alg is refused if it has one that is not ES256, else it is malformed. */
    private static WebhookRejectedException notAJws(Base64URL headerPart, ParseException jwsFailure) {
        Algorithm alg;
        try {
            alg = Header.parse(headerPart).getAlgorithm();
        } catch (ParseException e) {
            return new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "unparseable JWT: " + e.getMessage());
        }
        if (alg != null && !"ES256".equals(alg.getName())) {
            return new WebhookRejectedException(RejectionReason.ALG_NOT_ALLOWED, "alg " + alg.getName() + " is not ES256");
        }
        return new WebhookRejectedException(RejectionReason.MALFORMED_JWT, "unparseable JWS: " + jwsFailure.getMessage());
    }

    /** Verifies the ES256 signature (raw R||S, as JWS defines) with the key for the token's kid. */
    public void verifySignature(Token token, VerificationKey key) {
        if (key.expired()) {
            throw new WebhookRejectedException(RejectionReason.KEY_EXPIRED, "key " + key.kid() + " expired", token.kid());
        }
        boolean ok;
        try {
            ok = token.jws().verify(key.verifier());
        } catch (JOSEException | IllegalStateException e) {
            throw new WebhookRejectedException(RejectionReason.BAD_SIGNATURE, "signature check failed: " + e.getMessage(), token.kid());
        }
        if (!ok) {
            throw new WebhookRejectedException(RejectionReason.BAD_SIGNATURE, "signature does not verify", token.kid());
        }
    }

    public static String sha256Hex(byte[] body) {
        try {
            return HEX.formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
