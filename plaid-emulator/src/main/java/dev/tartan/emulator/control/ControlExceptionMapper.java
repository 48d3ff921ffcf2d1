package dev.tartan.emulator.control;

import dev.tartan.emulator.api.Json;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Renders control-API failures in the project's error form ({@code code}, {@code message}). */
@Provider
public class ControlExceptionMapper implements ExceptionMapper<ControlException> {
    @Override
    public Response toResponse(ControlException e) {
        return Response.status(e.status()).type(MediaType.APPLICATION_JSON)
                .entity(Json.obj("code", e.code(), "message", e.getMessage())).build();
    }
}
