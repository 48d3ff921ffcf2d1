package dev.tartan.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TestJwtTest {

    @Test
    void tokensVerifyAgainstThePublishedPublicKey() throws Exception {
        String token = TestJwt.token("user-1", "app", "operator");
        PublicKey published = KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(
                Base64.getDecoder().decode(TestJwt.configOverrides().get("mp.jwt.verify.publickey"))));
        assertTrue(verifies(token, published));
        assertFalse(verifies(TestJwt.tokenSignedByAnotherKey("user-1", "app"), published));

        JsonNode claims = new ObjectMapper().readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
        assertEquals("user-1", claims.get("sub").asText());
        assertEquals("https://tartan.dev/issuer", claims.get("iss").asText());
        assertEquals("app", claims.get("groups").get(0).asText());
        assertEquals("operator", claims.get("groups").get(1).asText());
    }

    @Test
    void oneKeyPairPerJvm() {
        assertEquals(TestJwt.configOverrides(), TestJwt.configOverrides());
        assertTrue(System.getProperty("tartan.test.jwt.private-key") != null, "shared with other class loaders");
    }

    private static boolean verifies(String token, PublicKey key) throws Exception {
        String[] parts = token.split("\\.");
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(key);
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        return s.verify(Base64.getUrlDecoder().decode(parts[2]));
    }
}
