package dev.tartan.emulator.webhook;

import dev.tartan.emulator.api.Json;
import dev.tartan.emulator.api.PlaidErrors;
import dev.tartan.emulator.api.PlaidGate;
import dev.tartan.emulator.api.PlaidRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/** {@code /webhook_verification_key/get}: the public JWK for a {@code kid}, expired keys included (with expired_at). */
@Path("/webhook_verification_key/get")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class VerificationKeyResource {
    private final PlaidGate gate;
    private final WebhookSigner signer;

    public VerificationKeyResource(PlaidGate gate, WebhookSigner signer) {
        this.gate = gate;
        this.signer = signer;
    }

    @POST
    public Map<String, Object> get(@Context HttpHeaders headers, String body) {
        PlaidRequest req = gate.open("/webhook_verification_key/get", headers, body).require("key_id");
        WebhookSigner.VerificationKey key = signer.key(req.str("key_id"))
                .orElseThrow(PlaidErrors::invalidWebhookKeyId);
        return Json.obj("key", key.toPlaidJwk(), "request_id", req.requestId());
    }
}
