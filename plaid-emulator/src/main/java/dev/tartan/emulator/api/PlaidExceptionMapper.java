package dev.tartan.emulator.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.jboss.logging.Logger;

/** Renders a {@link PlaidException} as Plaid does: the error object with its HTTP status and the call's request_id. */
@Provider
public class PlaidExceptionMapper implements ExceptionMapper<PlaidException> {
    private static final Logger LOG = Logger.getLogger(PlaidExceptionMapper.class);

    @Inject
    CurrentRequest current;

    @Override
    public Response toResponse(PlaidException e) {
        String requestId = current.requestId();
        LOG.debugf("request_id=%s error %s/%s", requestId, e.errorType(), e.errorCode());
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON).entity(e.toBody(requestId)).build();
    }
}
