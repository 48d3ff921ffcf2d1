package dev.tartan.emulator.api;

import jakarta.enterprise.context.RequestScoped;

/** The {@code request_id} of the Plaid call being handled, so error responses carry the same id the handler logged. */
@RequestScoped
public class CurrentRequest {
    private String requestId;

    public String requestId() {
        if (requestId == null) {
            requestId = Ids.requestId();
        }
        return requestId;
    }
}
