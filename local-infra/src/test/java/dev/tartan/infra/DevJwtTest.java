package dev.tartan.infra;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.Signature;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevJwtTest {

    @TempDir
    Path tmp;

    @Test
    void tokenIsAValidRs256JwtWithGroups() throws Exception {
        KeyPair kp = DevJwt.generateKeyPair();
        String token = DevJwt.sign(kp.getPrivate(), DevJwt.ISSUER, "user-\"1\"", List.of("app", "operator"),
                Duration.ofMinutes(5), Map.of("tenant", "t1"));
        String[] parts = token.split("\\.");
        assertEquals(3, parts.length);
        Signature s = Signature.getInstance("SHA256withRSA");
        s.initVerify(DevJwt.readPublicKeyPem(DevJwt.publicKeyPem(kp.getPublic())));
        s.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(s.verify(Base64.getUrlDecoder().decode(parts[2])));

        ObjectMapper m = new ObjectMapper();
        JsonNode header = m.readTree(Base64.getUrlDecoder().decode(parts[0]));
        JsonNode claims = m.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertEquals("RS256", header.get("alg").asText());
        assertEquals("user-\"1\"", claims.get("sub").asText());
        assertEquals(DevJwt.ISSUER, claims.get("iss").asText());
        assertEquals("operator", claims.get("groups").get(1).asText());
        assertEquals("t1", claims.get("tenant").asText());
        assertEquals(300, claims.get("exp").asLong() - claims.get("iat").asLong());
    }

    @Test
    void keysAreGeneratedOnceAndReused() {
        KeyPair first = DevJwt.loadOrCreate(tmp);
        KeyPair second = DevJwt.loadOrCreate(tmp);
        assertEquals(DevJwt.publicKeyBase64(first.getPublic()), DevJwt.publicKeyBase64(second.getPublic()));
        assertEquals(first.getPrivate(), second.getPrivate());
    }
}
