package dev.tartan.emulator.api;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Map;

/**
 * Any path no other resource serves: Plaid answers an unknown endpoint with its error object
 * ({@code INVALID_REQUEST / NOT_FOUND}, HTTP 404), so a client pointed at the emulator sees the same thing. Literal
 * paths of the other resources always win over this template.
 */
@Path("/{path: (?!q/).+}")
@Consumes(MediaType.WILDCARD)
@Produces(MediaType.APPLICATION_JSON)
public class UnknownEndpointResource {
    @POST
    public Map<String, Object> post(@PathParam("path") String path) {
        throw PlaidErrors.notFound("/" + path);
    }

    @GET
    public Map<String, Object> get(@PathParam("path") String path) {
        throw PlaidErrors.notFound("/" + path);
    }
}
