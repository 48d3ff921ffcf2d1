package dev.tartan.ingest.verification;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.util.Base64URL;
import com.plaid.client.model.JWKPublicKey;
import com.plaid.client.model.WebhookVerificationKeyGetRequest;
import dev.tartan.plaid.gateway.PlaidApiException;
import dev.tartan.plaid.gateway.PlaidCallContext;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Provider;
import org.jboss.logging.Logger;

import java.util.concurrent.CompletionStage;

/**
 * Keys from Plaid's {@code /webhook_verification_key/get}, through the gateway (retries on 429/5xx, rate limit,
 * {@code request_id} logged). Plaid's "invalid key id" answer (400 {@code INVALID_INPUT}) means unknown; anything
 * else failing is transient and surfaces as an exception, which the cache never stores.
 */
@ApplicationScoped
public class PlaidKeyFetcher implements KeyFetcher {

    private static final Logger LOG = Logger.getLogger(PlaidKeyFetcher.class);

    private final Provider<PlaidGateway> gateway;
    private final Provider<VerificationService> verification;

    @Inject
    public PlaidKeyFetcher(Provider<PlaidGateway> gateway, Provider<VerificationService> verification) {
        this.gateway = gateway;
        this.verification = verification;
    }

    @Override
    public CompletionStage<Result> fetch(String kid) {
        return gateway.get().call(PlaidEndpoint.WEBHOOK_VERIFICATION_KEY_GET, PlaidCallContext.none(),
                        api -> api.webhookVerificationKeyGet(new WebhookVerificationKeyGetRequest().keyId(kid)))
                .map(response -> {
                    LOG.infof("fetched webhook verification key %s (request_id=%s)", kid, response.getRequestId());
                    return Result.found(toKey(kid, response.getKey()));
                })
                .onFailure(PlaidApiException.class).recoverWithItem(failure -> {
                    PlaidApiException e = (PlaidApiException) failure;
                    if (isUnknownKid(e)) {
                        LOG.infof("Plaid does not know verification key %s (request_id=%s)", kid, e.requestId());
                        return Result.unknown();
                    }
                    throw e;
                })
                .subscribeAsCompletionStage();
    }

    static boolean isUnknownKid(PlaidApiException e) {
        return e.httpStatus() == 400 && ("INVALID_WEBHOOK_VERIFICATION_KEY_ID".equals(e.errorCode())
                || PlaidApiException.INVALID_INPUT.equals(e.errorType()));
    }

    private VerificationKey toKey(String kid, JWKPublicKey jwk) {
        if (jwk == null || !"EC".equals(jwk.getKty()) || !"P-256".equals(jwk.getCrv())
                || (jwk.getAlg() != null && !"ES256".equals(jwk.getAlg())) || !kid.equals(jwk.getKid())) {
            throw new IllegalStateException("Plaid returned an unusable key for " + kid);
        }
        ECKey ec = new ECKey.Builder(Curve.P_256, new Base64URL(jwk.getX()), new Base64URL(jwk.getY())).keyID(kid).build();
        Integer created = jwk.getCreatedAt();
        Integer expired = jwk.getExpiredAt();
        return VerificationKey.of(kid, ec, created == null ? 0 : created, expired == null ? null : expired.longValue(),
                verification.get().provider());
    }
}
