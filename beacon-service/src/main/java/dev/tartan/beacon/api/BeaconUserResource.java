package dev.tartan.beacon.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tartan.beacon.report.FraudReportRequest;
import dev.tartan.beacon.user.BeaconUserService;
import dev.tartan.beacon.user.UserData;
import dev.tartan.beacon.user.UserView;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.Context;

/** Beacon users: the app backend ({@code app}) creates and updates them; the fraud team ({@code operator}) reviews. */
@Path("/beacon/users")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class BeaconUserResource {

    public record CreateUser(@JsonProperty("client_user_id") String clientUserId, @JsonProperty("user") UserData user) {
    }

    public record UpdateUser(@JsonProperty("user") UserData user) {
    }

    public record Review(@JsonProperty("status") String status) {
    }

    private final BeaconUserService users;

    public BeaconUserResource(BeaconUserService users) {
        this.users = users;
    }

    /** Creates the Beacon user ({@code /beacon/user/create}); 201 with the screened status. */
    @POST
    @RolesAllowed("app")
    public Uni<Response> create(CreateUser body) {
        if (body == null) {
            throw ApiException.invalid(java.util.List.of("a body with client_user_id and user is required"));
        }
        return users.create(body.clientUserId(), body.user(), "api_create")
                .map(v -> Response.status(201).entity(v).build());
    }

    /** Updates the user's data ({@code /beacon/user/update}), which re-runs Beacon's checks. */
    @PUT
    @Path("/{clientUserId}")
    @RolesAllowed("app")
    public Uni<UserView> update(@PathParam("clientUserId") String clientUserId, UpdateUser body) {
        return users.update(clientUserId, body == null ? null : body.user());
    }

    /** The user with its full status history, review episodes and reports; the app also sees the user data. */
    @GET
    @Path("/{clientUserId}")
    @RolesAllowed({"app", "operator"})
    public Uni<UserView> get(@PathParam("clientUserId") String clientUserId, @Context SecurityContext security) {
        return users.view(clientUserId, security.isUserInRole("app"));
    }

    /** Reports fraud ({@code /beacon/report/create}) after validating type, date and amount. */
    @POST
    @Path("/{clientUserId}/reports")
    @RolesAllowed({"app", "operator"})
    public Uni<Response> report(@PathParam("clientUserId") String clientUserId, FraudReportRequest body) {
        return users.report(clientUserId, body, "api").map(v -> Response.status(201).entity(v).build());
    }

    /** The fraud team's decision on a pending_review user: {@code cleared} or {@code rejected}; 409 names a broken rule. */
    @POST
    @Path("/{clientUserId}/review")
    @RolesAllowed("operator")
    public Uni<UserView> review(@PathParam("clientUserId") String clientUserId, Review body) {
        return users.review(clientUserId, body == null ? null : body.status());
    }
}
