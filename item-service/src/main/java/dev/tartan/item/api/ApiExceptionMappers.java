package dev.tartan.item.api;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/** JSON errors with stable codes. */
public class ApiExceptionMappers {

    /** Thrown by resources for a known, client-caused problem. */
    public static class ApiException extends RuntimeException {
        final int status;
        final String code;

        public ApiException(int status, String code, String message) {
            super(message);
            this.status = status;
            this.code = code;
        }
    }

    @ServerExceptionMapper
    public Response api(ApiException e) {
        return json(e.status, e.code, e.getMessage());
    }

    @ServerExceptionMapper
    public Response badInput(IllegalArgumentException e) {
        return json(400, "INVALID_REQUEST", e.getMessage());
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        String code = switch (status) {
            case 401 -> "UNAUTHENTICATED";
            case 403 -> "FORBIDDEN";
            case 404 -> "NOT_FOUND";
            case 405 -> "METHOD_NOT_ALLOWED";
            case 415 -> "UNSUPPORTED_MEDIA_TYPE";
            default -> status < 500 ? "INVALID_REQUEST" : "INTERNAL_ERROR";
        };
        return json(status, code, e.getMessage());
    }

    static Response json(int status, String code, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new ApiError(code, message)).build();
    }
}
