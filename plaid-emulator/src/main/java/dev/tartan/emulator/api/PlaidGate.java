package dev.tartan.emulator.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tartan.emulator.config.EmulatorConfig;
import dev.tartan.emulator.fault.FaultInjector;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.HttpHeaders;
import org.jboss.logging.Logger;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;

/**
 * The entry of every Plaid API call: assigns the {@code request_id}, parses the body, applies injected faults and
 * checks the credentials ({@code PLAID-CLIENT-ID}/{@code PLAID-SECRET} headers, or {@code client_id}/{@code secret} in
 * the body, as Plaid accepts both).
 */
@ApplicationScoped
public class PlaidGate {
    private static final Logger LOG = Logger.getLogger(PlaidGate.class);

    private final EmulatorConfig config;
    private final FaultInjector faults;
    private final CurrentRequest current;
    private final ObjectMapper mapper;

    public PlaidGate(EmulatorConfig config, FaultInjector faults, CurrentRequest current, ObjectMapper mapper) {
        this.config = config;
        this.faults = faults;
        this.current = current;
        this.mapper = mapper;
    }

    public PlaidRequest open(String endpoint, HttpHeaders headers, String rawBody) {
        String requestId = current.requestId();
        JsonNode body;
        try {
            body = rawBody == null || rawBody.isBlank() ? mapper.createObjectNode() : mapper.readTree(rawBody);
        } catch (JsonProcessingException e) {
            throw PlaidErrors.invalidBody("body could not be parsed as JSON");
        }
        if (body == null || !body.isObject()) {
            throw PlaidErrors.invalidBody("body must be a JSON object");
        }
        faults.apply(endpoint);

        String clientId = header(headers, "PLAID-CLIENT-ID");
        String secret = header(headers, "PLAID-SECRET");
        if (clientId == null) {
            clientId = PlaidRequest.text(body, "client_id");
        }
        if (secret == null) {
            secret = PlaidRequest.text(body, "secret");
        }
        if (clientId == null || secret == null) {
            java.util.List<String> missing = new java.util.ArrayList<>();
            if (clientId == null) {
                missing.add("client_id");
            }
            if (secret == null) {
                missing.add("secret");
            }
            throw PlaidErrors.missingFields(missing);
        }
        if (!constantTimeEquals(clientId, config.clientId()) || !constantTimeEquals(secret, config.secret())) {
            throw PlaidErrors.invalidApiKeys();
        }
        LOG.debugf("%s request_id=%s", endpoint, requestId);
        return new PlaidRequest(requestId, endpoint, body);
    }

    private static String header(HttpHeaders headers, String name) {
        String value = headers == null ? null : headers.getHeaderString(name);
        return value == null || value.isEmpty() ? null : value;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
