package dev.tartan.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * RS256 JSON Web Tokens for development and tests, with the JDK only: the dev stack's {@code ./tartan token} and
 * test-support's {@code TestJwt} both mint tokens that SmallRye JWT accepts ({@code mp.jwt.verify.publickey} or
 * {@code mp.jwt.verify.publickey.location}, {@code mp.jwt.verify.issuer}). Roles go into the {@code groups} claim.
 */
public final class DevJwt {

    /** The issuer every Tartan service expects in development and tests. */
    public static final String ISSUER = "https://tartan.dev/issuer";
    public static final String PRIVATE_KEY_FILE = "jwt-private.pem";
    public static final String PUBLIC_KEY_FILE = "jwt-public.pem";

    private DevJwt() {
    }

    public static KeyPair generateKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Signs a token for {@code subject} with {@code groups}, valid for {@code ttl}, plus any extra claims. */
    public static String sign(PrivateKey key, String issuer, String subject, Collection<String> groups, Duration ttl,
            Map<String, ?> extraClaims) {
        Instant now = Instant.now();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", issuer);
        claims.put("sub", subject);
        claims.put("upn", subject);
        claims.put("preferred_username", subject);
        claims.put("groups", groups);
        claims.put("iat", now.getEpochSecond());
        claims.put("exp", now.plus(ttl).getEpochSecond());
        claims.put("jti", UUID.randomUUID().toString());
        claims.putAll(extraClaims);
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = b64.encodeToString(Json.write(header).getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(Json.write(claims).getBytes(StandardCharsets.UTF_8));
        try {
            Signature s = Signature.getInstance("SHA256withRSA");
            s.initSign(key);
            s.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + b64.encodeToString(s.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Base64 of the X.509 SubjectPublicKeyInfo: the value {@code mp.jwt.verify.publickey} takes. */
    public static String publicKeyBase64(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    public static String publicKeyPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String privateKeyPem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    public static PublicKey readPublicKeyPem(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(unpem(pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key PEM", e);
        }
    }

    public static PrivateKey readPrivateKeyPem(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(unpem(pem)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not a PKCS#8 RSA private key PEM", e);
        }
    }

    /**
     * The key pair in {@code dir} ({@value #PRIVATE_KEY_FILE}, {@value #PUBLIC_KEY_FILE}), generated and written
     * (owner-only permissions) the first time.
     */
    public static KeyPair loadOrCreate(Path dir) {
        Path priv = dir.resolve(PRIVATE_KEY_FILE);
        Path pub = dir.resolve(PUBLIC_KEY_FILE);
        try {
            if (Files.exists(priv)) {
                PrivateKey privateKey = readPrivateKeyPem(Files.readString(priv));
                PublicKey publicKey;
                if (Files.exists(pub)) {
                    publicKey = readPublicKeyPem(Files.readString(pub));
                } else {
                    RSAPrivateCrtKey crt = (RSAPrivateCrtKey) privateKey;
                    publicKey = KeyFactory.getInstance("RSA")
                            .generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
                    Files.writeString(pub, publicKeyPem(publicKey));
                }
                return new KeyPair(publicKey, privateKey);
            }
            KeyPair kp = generateKeyPair();
            Secrets.writeSecret(priv, privateKeyPem(kp.getPrivate()));
            Files.writeString(pub, publicKeyPem(kp.getPublic()));
            return kp;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static byte[] unpem(String pem) {
        String body = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }

    /** Files holding secrets: created readable by the owner only. */
    static final class Secrets {
        private Secrets() {
        }

        static void writeSecret(Path file, String content) throws IOException {
            Files.createDirectories(file.getParent());
            try {
                Files.deleteIfExists(file);
                Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: plain file
            }
            Files.writeString(file, content);
        }
    }
}
