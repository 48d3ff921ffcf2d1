package dev.tartan.link.api;

import dev.tartan.link.analytics.ConversionCsv;
import dev.tartan.link.analytics.ConversionReport;
import dev.tartan.link.analytics.LinkAnalyticsService;
import dev.tartan.link.analytics.LinkCallback;
import dev.tartan.link.LinkProblem;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;

/** Link callbacks in, conversion out (JWT role {@code app}; the report also for {@code operator}). */
@Path("/link")
public class AnalyticsResource {

    private final LinkAnalyticsService analytics;

    public AnalyticsResource(LinkAnalyticsService analytics) {
        this.analytics = analytics;
    }

    /** The app forwards Link's onEvent / onExit / onSuccess callbacks (a JSON array). */
    @POST
    @Path("/events")
    @RolesAllowed("app")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<Map<String, Object>> callbacks(List<LinkCallback> callbacks) {
        return analytics.recordCallbacks(callbacks).map(n -> Map.of("received", callbacks.size(), "stored", n));
    }

    @GET
    @Path("/conversion")
    @RolesAllowed({"app", "operator"})
    @Produces(MediaType.APPLICATION_JSON)
    public Uni<ConversionReport> report(@QueryParam("from") String from, @QueryParam("to") String to) {
        return analytics.report(instant("from", from), instant("to", to));
    }

    @GET
    @Path("/conversion.csv")
    @RolesAllowed({"app", "operator"})
    @Produces("text/csv")
    public Uni<Response> csv(@QueryParam("from") String from, @QueryParam("to") String to) {
        return analytics.report(instant("from", from), instant("to", to))
                .map(r -> Response.ok(ConversionCsv.write(r), "text/csv; charset=utf-8")
                        .header("Content-Disposition", "attachment; filename=\"link-conversion.csv\"").build());
    }

    private static Instant instant(String field, String value) {
        if (value == null || value.isBlank()) {
            throw LinkProblem.invalid("MISSING_FIELD", field, field + " is required (ISO-8601 instant, e.g. 2026-03-01T00:00:00Z)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw LinkProblem.invalid("INVALID_FIELD", field, field + " must be an ISO-8601 instant such as 2026-03-01T00:00:00Z");
        }
    }
}
