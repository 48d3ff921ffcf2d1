package dev.tartan.emulator.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/**
 * A bug in the emulator still answers in Plaid's form ({@code API_ERROR / INTERNAL_SERVER_ERROR}, 500, request_id),
 * so clients exercise their 5xx path instead of choking on an unexpected body. JAX-RS's own errors (404, 405, 415)
 * keep their status.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {
    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class);

    @Inject
    CurrentRequest current;

    @Override
    public Response toResponse(RuntimeException e) {
        String requestId = current.requestId();
        if (e instanceof WebApplicationException wae) {
            int status = wae.getResponse().getStatus();
            return Response.status(status).type(MediaType.APPLICATION_JSON).entity(new PlaidException(status,
                    "INVALID_REQUEST", status == 404 ? "NOT_FOUND" : "INVALID_REQUEST",
                    String.valueOf(e.getMessage()), null).toBody(requestId)).build();
        }
        LOG.errorf(e, "request_id=%s failed unexpectedly", requestId);
        return Response.status(500).type(MediaType.APPLICATION_JSON)
                .entity(PlaidErrors.internalServerError().toBody(requestId)).build();
    }
}
