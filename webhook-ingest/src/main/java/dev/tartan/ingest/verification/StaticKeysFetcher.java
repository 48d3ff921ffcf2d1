package dev.tartan.ingest.verification;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Provider;
import java.text.ParseException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Keys from a JWKS file instead of Plaid (benchmark and offline runs only). Each JWK may carry Plaid's
 * {@code created_at}/{@code expired_at} as extra members.
 */
public final class StaticKeysFetcher implements KeyFetcher {

    private final Map<String, VerificationKey> keys = new HashMap<>();

    public StaticKeysFetcher(Path file, Provider provider) {
        try {
            JWKSet set = JWKSet.parse(Files.readString(file));
            for (JWK jwk : set.getKeys()) {
                if (jwk instanceof ECKey ec && jwk.getKeyID() != null) {
                    ECKey pub = ec.toPublicJWK();
                    Object created = jwk.toJSONObject().get("created_at");
                    Object expired = jwk.toJSONObject().get("expired_at");
                    keys.put(jwk.getKeyID(), VerificationKey.of(jwk.getKeyID(), pub,
                            created instanceof Number n ? n.longValue() : 0,
                            expired instanceof Number n ? n.longValue() : null, provider));
                }
            }
        } catch (IOException | ParseException e) {
            throw new IllegalStateException("cannot read static verification keys from " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public CompletionStage<Result> fetch(String kid) {
        VerificationKey key = keys.get(kid);
        return CompletableFuture.completedFuture(key == null ? Result.unknown() : Result.found(key));
    }
}
