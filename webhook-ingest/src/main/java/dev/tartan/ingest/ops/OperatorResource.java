package dev.tartan.ingest.ops;

import dev.tartan.ingest.publish.Publisher;
import dev.tartan.ingest.spool.SpoolStore;
import dev.tartan.ingest.spool.SpoolWriter;
import dev.tartan.ingest.verification.VerificationService;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** Operator views (JWT role {@code operator}): spool state, recent rejections, cached verification keys. */
@Path("/operator")
@RolesAllowed("operator")
@Produces(MediaType.APPLICATION_JSON)
@Blocking
public class OperatorResource {

    private final SpoolStore store;
    private final SpoolWriter writer;
    private final Publisher publisher;
    private final RejectionLog rejections;
    private final VerificationService verification;

    public OperatorResource(SpoolStore store, SpoolWriter writer, Publisher publisher, RejectionLog rejections,
                            VerificationService verification) {
        this.store = store;
        this.writer = writer;
        this.publisher = publisher;
        this.rejections = rejections;
        this.verification = verification;
    }

    @GET
    @Path("/spool")
    public Response spool(@QueryParam("limit") @DefaultValue("50") int limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("publisher_mode", publisher.mode().name());
        out.put("last_published_seq", publisher.lastPublishedSeq());
        out.put("publisher_error", publisher.lastError());
        out.put("spool_writer_healthy", writer.healthy());
        out.put("spool_writer_error", writer.lastError());
        out.put("spool_writer_queued", writer.queued());
        try {
            SpoolStore.Stats stats = store.stats();
            out.put("depth", stats.depth());
            out.put("oldest_received_at", stats.oldest() == null ? null : stats.oldest().toString());
            out.put("head", store.head(Math.min(Math.max(limit, 0), 500)));
        } catch (SQLException e) {
            out.put("database_error", e.getMessage());
            return Response.status(503).entity(out).build();
        }
        return Response.ok(out).build();
    }

    @GET
    @Path("/rejections")
    public Map<String, Object> rejections(@QueryParam("limit") @DefaultValue("100") int limit) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("counts", rejections.counts());
        out.put("latest", rejections.latest(Math.min(Math.max(limit, 0), 1000)));
        return out;
    }

    @GET
    @Path("/keys")
    public Map<String, Object> keys() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("provider", verification.providerName());
        out.put("keys", verification.keys().describe());
        return out;
    }
}
