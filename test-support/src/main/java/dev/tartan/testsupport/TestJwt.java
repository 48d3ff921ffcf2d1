package dev.tartan.testsupport;

import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import dev.tartan.infra.DevJwt;

/**
 * Signed JWTs for tests. One RSA key pair per test JVM (the same in every class loader); the services verify with
 * {@link #configOverrides()}, which {@link TartanInfraResource} already includes.
 *
 * <pre>{@code
 * given().auth().oauth2(TestJwt.token("user-1", "app")).get("/items/...")
 * }</pre>
 */
public final class TestJwt {

    public static final String ISSUER = DevJwt.ISSUER;
    public static final Duration DEFAULT_TTL = Duration.ofHours(1);

    private static volatile KeyPair keys;

    private TestJwt() {
    }

    /** {@code mp.jwt.verify.publickey} (base64 X.509 public key) and {@code mp.jwt.verify.issuer}. */
    public static Map<String, String> configOverrides() {
        return Map.of(
                "mp.jwt.verify.publickey", DevJwt.publicKeyBase64(keyPair().getPublic()),
                "mp.jwt.verify.issuer", ISSUER);
    }

    /** A token for {@code subject} whose {@code groups} claim holds {@code roles}, valid for an hour. */
    public static String token(String subject, String... roles) {
        return token(subject, DEFAULT_TTL, Map.of(), roles);
    }

    /** A token with a chosen lifetime (negative: already expired) and extra claims. */
    public static String token(String subject, Duration ttl, Map<String, ?> extraClaims, String... roles) {
        return DevJwt.sign(keyPair().getPrivate(), ISSUER, subject, List.of(roles), ttl, extraClaims);
    }

    /** A token signed by some other key: services must reject it. */
    public static String tokenSignedByAnotherKey(String subject, String... roles) {
        return DevJwt.sign(DevJwt.generateKeyPair().getPrivate(), ISSUER, subject, List.of(roles), DEFAULT_TTL,
                Map.of());
    }

    public static PublicKey publicKey() {
        return keyPair().getPublic();
    }

    static KeyPair keyPair() {
        KeyPair k = keys;
        if (k != null) {
            return k;
        }
        synchronized (Registry.LOCK) {
            if (keys == null) {
                String stored = System.getProperty(Registry.JWT_PRIVATE_KEY);
                if (stored != null) {
                    keys = fromPrivate(stored);
                } else {
                    KeyPair generated = DevJwt.generateKeyPair();
                    System.setProperty(Registry.JWT_PRIVATE_KEY,
                            Base64.getEncoder().encodeToString(generated.getPrivate().getEncoded()));
                    keys = generated;
                }
            }
            return keys;
        }
    }

    private static KeyPair fromPrivate(String base64Pkcs8) {
        try {
            KeyFactory kf = KeyFactory.getInstance("RSA");
            PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64Pkcs8)));
            RSAPrivateCrtKey crt = (RSAPrivateCrtKey) priv;
            PublicKey pub = kf.generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
            return new KeyPair(pub, priv);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
