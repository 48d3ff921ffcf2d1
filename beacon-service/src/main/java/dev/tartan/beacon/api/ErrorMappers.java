package dev.tartan.beacon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tartan.beacon.BeaconDisabledException;
import dev.tartan.plaid.gateway.PlaidApiException;
import dev.tartan.plaid.gateway.PlaidUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** Every failure of the API as {@code {"code","message"}} with a stable code. Messages never carry user data. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status(), e.code(), e.getMessage());
    }

    @ServerExceptionMapper
    public Response disabled(BeaconDisabledException e) {
        return json(503, "BEACON_DISABLED", e.getMessage());
    }

    @ServerExceptionMapper
    public Response plaid(PlaidApiException e) {
        LOG.warnf("Plaid refused %s: %s/%s (request_id=%s)", e.endpoint().path(), e.errorType(), e.errorCode(), e.requestId());
        int status = e.httpStatus() == 404 ? 404 : e.httpStatus() >= 500 ? 502 : 409;
        return json(status, "PLAID_" + e.errorCode(), "Plaid " + e.endpoint().path() + " answered " + e.errorType() + "/"
                + e.errorCode() + " (request_id " + e.requestId() + ")");
    }

    @ServerExceptionMapper
    public Response unavailable(PlaidUnavailableException e) {
        LOG.warnf("Plaid unavailable: %s", e.getMessage());
        return json(503, "PLAID_UNAVAILABLE", "Plaid is unavailable; retry later");
    }

    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        // Jackson's message can quote the input (PII): name the location only
        return json(400, "INVALID_JSON", "the request body is not valid JSON for this endpoint (line "
                + (e.getLocation() == null ? "?" : e.getLocation().getLineNr()) + ")");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        return json(status, status == 401 ? "UNAUTHORIZED" : status == 403 ? "FORBIDDEN" : status == 404 ? "NOT_FOUND"
                : status == 415 ? "UNSUPPORTED_MEDIA_TYPE" : "HTTP_" + status, e.getClass().getSimpleName());
    }

    static Response json(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(code, message)).build();
    }
}
