package dev.tartan.ingest.verification;

import com.nimbusds.jose.util.Base64URL;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class WebhookVerifierTest {

    static final byte[] BODY = """
            {
              "webhook_type": "ITEM",
              "webhook_code": "ERROR",
              "item_id": "wz666MBjYWTp2PDzzggYhM6oWWmBb",
              "environment": "sandbox"
            }""".getBytes(StandardCharsets.UTF_8);

    final TestSigner signer = new TestSigner();
    final WebhookVerifier verifier = new WebhookVerifier(Duration.ofMinutes(5), Duration.ofSeconds(30));
    final Instant now = Instant.now();

    private RejectionReason reasonFor(String header, byte[] body) {
        return assertThrows(WebhookRejectedException.class, () -> {
            WebhookVerifier.Token t = verifier.precheck(header, body, now);
            verifier.verifySignature(t, signer.verificationKey(null));
        }).reason();
    }

    @Test
    void validTokenVerifiesWithEveryProvider() {
        for (String p : new String[] {"auto", "accp", "conscrypt", "jdk"}) {
            WebhookVerifier.Token t = verifier.precheck(signer.sign(BODY), BODY, now);
            verifier.verifySignature(t, signer.verificationKey(SignatureProviders.choose(p).provider()));
            assertEquals(signer.kid(), t.kid());
            assertEquals(WebhookVerifier.sha256Hex(BODY), t.bodySha256());
        }
    }

    @Test
    void fastProviderLoadsHere() {
        // the build machines are linux-x86_64: ACCP must load, or the benchmark figures mean nothing
        assertEquals(true, SignatureProviders.choose("auto").name().startsWith("accp"), SignatureProviders.choose("auto").name());
    }

    @Test
    void oneByteChangedInBody() {
        byte[] changed = BODY.clone();
        changed[changed.length - 3] ^= 1;
        assertEquals(RejectionReason.BODY_HASH_MISMATCH, reasonFor(signer.sign(BODY), changed));
    }

    @Test
    void reserializedBody() {
        byte[] compact = new String(BODY, StandardCharsets.UTF_8).replaceAll("\\s+", "").getBytes(StandardCharsets.UTF_8);
        assertEquals(RejectionReason.BODY_HASH_MISMATCH, reasonFor(signer.sign(BODY), compact));
    }

    @Test
    void badSignature() {
        String[] p = signer.sign(BODY).split("\\.");
        byte[] sig = Base64URL.from(p[2]).decode();
        sig[10] ^= 1;
        assertEquals(RejectionReason.BAD_SIGNATURE, reasonFor(p[0] + "." + p[1] + "." + Base64URL.encode(sig), BODY));
    }

    @Test
    void otherKeysSignature() {
        String forged = new TestSigner().sign(BODY);
        // same kid header as ours? no: a different kid; verify with our key anyway to prove the signature check
        WebhookVerifier.Token t = verifier.precheck(forged, BODY, now);
        assertEquals(RejectionReason.BAD_SIGNATURE, assertThrows(WebhookRejectedException.class,
                () -> verifier.verifySignature(t, signer.verificationKey(null))).reason());
    }

    @Test
    void staleAndFutureIat() {
        assertEquals(RejectionReason.STALE_IAT, reasonFor(signer.sign(BODY, now.minusSeconds(301)), BODY));
        assertEquals(RejectionReason.FUTURE_IAT, reasonFor(signer.sign(BODY, now.plusSeconds(31)), BODY));
        verifier.precheck(signer.sign(BODY, now.minusSeconds(290)), BODY, now);
        verifier.precheck(signer.sign(BODY, now.plusSeconds(20)), BODY, now);
    }

    @Test
    void algorithmsOtherThanEs256() {
        String payload = signer.sign(BODY).split("\\.")[1];
        for (String alg : new String[] {"none", "HS256", "RS256", "ES384", "es256", "ES256K"}) {
            String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"kid\":\"" + signer.kid() + "\",\"typ\":\"JWT\"}").toString();
            assertEquals(RejectionReason.ALG_NOT_ALLOWED, reasonFor(header + "." + payload + "." + Base64URL.encode(new byte[64]), BODY), alg);
        }
        String noneHeader = Base64URL.encode("{\"alg\":\"none\"}").toString();
        assertEquals(RejectionReason.ALG_NOT_ALLOWED, reasonFor(noneHeader + "." + payload + ".", BODY));
    }

    @Test
    void missingGarbledTruncated() {
        assertEquals(RejectionReason.MISSING_HEADER, reasonFor(null, BODY));
        assertEquals(RejectionReason.MISSING_HEADER, reasonFor("  ", BODY));
        assertEquals(RejectionReason.MALFORMED_JWT, reasonFor("garbage", BODY));
        assertEquals(RejectionReason.MALFORMED_JWT, reasonFor("a.b.c", BODY));
        assertEquals(RejectionReason.MALFORMED_JWT, reasonFor("%%%.%%%.%%%", BODY));
        String good = signer.sign(BODY);
        assertEquals(RejectionReason.MALFORMED_JWT, reasonFor(good.substring(0, good.indexOf('.') + 5), BODY));
        assertEquals(RejectionReason.BAD_SIGNATURE, reasonFor(good.substring(0, good.length() - 4), BODY));
        assertEquals(RejectionReason.MALFORMED_JWT, reasonFor("x".repeat(5000), BODY));
    }

    @Test
    void missingOrWrongClaims() {
        assertEquals(RejectionReason.BAD_CLAIMS, reasonFor(signer.signClaims(Map.of("iat", now.getEpochSecond())), BODY));
        assertEquals(RejectionReason.BAD_CLAIMS, reasonFor(signer.signClaims(Map.of("request_body_sha256", WebhookVerifier.sha256Hex(BODY))), BODY));
        assertEquals(RejectionReason.BAD_CLAIMS, reasonFor(signer.signClaims(Map.of("iat", "yesterday",
                "request_body_sha256", WebhookVerifier.sha256Hex(BODY))), BODY));
        assertEquals(RejectionReason.BODY_HASH_MISMATCH, reasonFor(signer.signClaims(Map.of("iat", now.getEpochSecond(),
                "request_body_sha256", WebhookVerifier.sha256Hex(BODY).toUpperCase())), BODY));
    }

    @Test
    void expiredKeyRefused() {
        WebhookVerifier.Token t = verifier.precheck(signer.sign(BODY), BODY, now);
        VerificationKey expired = VerificationKey.of(signer.kid(), signer.key.toPublicJWK(), 0, now.getEpochSecond(), null);
        assertEquals(RejectionReason.KEY_EXPIRED, assertThrows(WebhookRejectedException.class,
                () -> verifier.verifySignature(t, expired)).reason());
    }
}
