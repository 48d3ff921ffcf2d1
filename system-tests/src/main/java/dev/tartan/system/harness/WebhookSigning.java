package dev.tartan.system.harness;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Provider;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs webhook bodies the way Plaid does ({@code Plaid-Verification}: compact JWS, ES256, claims {@code iat} and
 * {@code request_body_sha256}) with a P-256 key of its own, JDK only. Used to forge webhooks (a key nobody published)
 * and, with {@link #jwks()} given to webhook-ingest as its static key file, by the end-to-end benchmark.
 */
public final class WebhookSigning {

    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private final KeyPair keys;
    private final String kid;

    public WebhookSigning() {
        this("e2e-" + UUID.randomUUID());
    }

    public WebhookSigning(String kid) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            this.keys = g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        this.kid = kid;
    }

    public String kid() {
        return kid;
    }

    /** The {@code Plaid-Verification} header value for {@code body}, issued at {@code iat}. */
    public String sign(byte[] body, Instant iat) {
        try {
            String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
            String header = "{\"alg\":\"ES256\",\"kid\":\"" + kid + "\",\"typ\":\"JWT\"}";
            String claims = "{\"iat\":" + iat.getEpochSecond() + ",\"request_body_sha256\":\"" + sha + "\"}";
            String input = B64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                    + B64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
            byte[] signature;
            if (FAST != null) {
                Signature s = Signature.getInstance("SHA256withECDSA", FAST);
                s.initSign(keys.getPrivate());
                s.update(input.getBytes(StandardCharsets.US_ASCII));
                signature = derToP1363(s.sign());
            } else {
                Signature s = Signature.getInstance("SHA256withECDSAinP1363Format");
                s.initSign(keys.getPrivate());
                s.update(input.getBytes(StandardCharsets.US_ASCII));
                signature = s.sign();
            }
            return input + "." + B64.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String sign(byte[] body) {
        return sign(body, Instant.now());
    }

    /** The public key as Plaid's JWK ({@code /webhook_verification_key/get} shape). */
    public Map<String, Object> jwk() {
        ECPublicKey pub = (ECPublicKey) keys.getPublic();
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("alg", "ES256");
        k.put("crv", "P-256");
        k.put("kid", kid);
        k.put("kty", "EC");
        k.put("use", "sig");
        k.put("x", B64.encodeToString(unsigned32(pub.getW().getAffineX().toByteArray())));
        k.put("y", B64.encodeToString(unsigned32(pub.getW().getAffineY().toByteArray())));
        k.put("created_at", Instant.now().getEpochSecond());
        k.put("expired_at", null);
        return k;
    }

    /** {@code {"keys":[jwk]}}: the file format of webhook-ingest's {@code tartan.ingest.verification.static-keys-file}. */
    public String jwks() {
        try {
            return Http.MAPPER.writeValueAsString(Map.of("keys", List.of(jwk())));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Amazon Corretto Crypto Provider where its native library loads: the JDK's EC signing cost the end-to-end
     * benchmark's generator about 0.4 of a core at 1,000 webhooks/s, taken from the system it measures.
     */
    private static final Provider FAST = fastProvider();

    private static Provider fastProvider() {
        try {
            Provider p = com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE;
            return com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider.INSTANCE.getLoadingError() == null ? p : null;
        } catch (Throwable t) {
            return null;
        }
    }

    /** ECDSA DER {@code SEQUENCE {INTEGER r, INTEGER s}} to JWS's raw 64-byte {@code r || s}. */
    static byte[] derToP1363(byte[] der) {
        int i = 2;
        if ((der[1] & 0x80) != 0) {
            i += der[1] & 0x7f; // long-form sequence length (not for P-256, kept for safety)
        }
        byte[] out = new byte[64];
        for (int part = 0; part < 2; part++) {
            int len = der[i + 1];
            byte[] value = Arrays.copyOfRange(der, i + 2, i + 2 + len);
            System.arraycopy(unsigned32(value), 0, out, part * 32, 32);
            i += 2 + len;
        }
        return out;
    }

    private static byte[] unsigned32(byte[] b) {
        if (b.length == 32) {
            return b;
        }
        if (b.length > 32) {
            return Arrays.copyOfRange(b, b.length - 32, b.length);
        }
        byte[] out = new byte[32];
        System.arraycopy(b, 0, out, 32 - b.length, b.length);
        return out;
    }

    /** An ITEM webhook body laid out like Plaid's (2-space indentation). */
    public static String itemWebhookBody(String code, String itemId, String errorCode) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"environment\": \"sandbox\",\n");
        if (errorCode != null) {
            sb.append("  \"error\": {\n")
                    .append("    \"display_message\": \"the login details of this item have changed\",\n")
                    .append("    \"error_code\": \"").append(errorCode).append("\",\n")
                    .append("    \"error_message\": \"the login details of this item have changed (credentials, MFA,"
                            + " or required user action) and a user login is required to update this information\",\n")
                    .append("    \"error_type\": \"ITEM_ERROR\",\n")
                    .append("    \"status\": 400\n")
                    .append("  },\n");
        }
        sb.append("  \"item_id\": \"").append(itemId).append("\",\n");
        sb.append("  \"webhook_code\": \"").append(code).append("\",\n");
        sb.append("  \"webhook_type\": \"ITEM\"\n}");
        return sb.toString();
    }
}
