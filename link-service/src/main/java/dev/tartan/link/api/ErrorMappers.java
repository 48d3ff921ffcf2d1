package dev.tartan.link.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import dev.tartan.link.LinkProblem;
import dev.tartan.plaid.gateway.PlaidApiException;
import dev.tartan.plaid.gateway.PlaidUnavailableException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/** Every failure as JSON {@code {"code","message","field"}} with a stable code. */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response problem(LinkProblem p) {
        return json(p.status(), ApiError.of(p.code(), p.getMessage(), p.field(), p.details()));
    }

    /** Plaid refused the request: 4xx input errors pass through as 400 with Plaid's code and request_id. */
    @ServerExceptionMapper
    public Response plaid(PlaidApiException e) {
        Map<String, Object> details = new HashMap<>();
        details.put("plaid_error_type", e.errorType());
        details.put("plaid_error_code", e.errorCode());
        if (e.requestId() != null) {
            details.put("request_id", e.requestId());
        }
        LOG.warnf("Plaid refused %s: %s/%s request_id=%s", e.endpoint().path(), e.errorType(), e.errorCode(), e.requestId());
        int status = e.httpStatus() >= 400 && e.httpStatus() < 500 && !e.isRateLimited() ? 400 : 502;
        return json(status, ApiError.of("PLAID_" + e.errorCode(), e.errorMessage(), null, details));
    }

    @ServerExceptionMapper
    public Response unavailable(PlaidUnavailableException e) {
        LOG.warnf("Plaid unavailable: %s", e.getMessage());
        return json(503, ApiError.of("PLAID_UNAVAILABLE", "Plaid could not be reached; try again shortly", null,
                e.requestId() == null ? null : Map.of("request_id", e.requestId())));
    }

    /** Malformed JSON or a value of the wrong type: name the field. */
    @ServerExceptionMapper
    public Response badJson(JsonProcessingException e) {
        String field = null;
        if (e instanceof MismatchedInputException m && !m.getPath().isEmpty()) {
            field = m.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
                    .collect(Collectors.joining("."));
        }
        String message = e instanceof InvalidFormatException f
                ? "value '" + f.getValue() + "' is not valid for " + (field == null ? "this field" : field)
                : "malformed JSON: " + e.getOriginalMessage();
        return json(400, ApiError.of(field == null ? "MALFORMED_JSON" : "INVALID_FIELD", message, field, null));
    }

    /** More specific than Quarkus REST's own mapper for this type, so the error keeps Tartan's shape. */
    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        return badJson(e);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (e.getCause() instanceof JsonProcessingException j) {
            return badJson(j);
        }
        String code = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> status >= 500 ? "INTERNAL_ERROR" : "BAD_REQUEST";
        };
        return json(status, ApiError.of(code, e.getMessage(), null, null));
    }

    static Response json(int status, Map<String, Object> error) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(error).build();
    }
}
