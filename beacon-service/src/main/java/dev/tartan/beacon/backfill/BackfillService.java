package dev.tartan.beacon.backfill;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.tartan.beacon.BeaconConfig;
import dev.tartan.beacon.BeaconSwitch;
import dev.tartan.beacon.api.ApiException;
import dev.tartan.beacon.report.FraudReportRequest;
import dev.tartan.beacon.user.BeaconUserEntity;
import dev.tartan.beacon.user.BeaconUserService;
import dev.tartan.beacon.user.PiiCipher;
import dev.tartan.beacon.user.UserData;
import dev.tartan.contracts.EventJson;
import dev.tartan.plaid.gateway.PlaidApiException;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Imports existing users (the guide's six months of known-good and known-fraud users) into Beacon.
 *
 * <p>The uploaded file is parsed and <em>staged</em> row by row in the database first (user data encrypted), in one
 * transaction; a worker then works the rows off in file order at {@code tartan.beacon.backfill.rate-per-minute}.
 * Progress lives in the rows, so a crash loses nothing: on restart the worker carries on where it stopped. Each
 * row's life: {@code pending → calling → created → reported} (or {@code skipped} when the user already exists,
 * {@code failed} with a reason). {@code calling} is written before {@code /beacon/user/create}, and the user and
 * {@code created} commit together after it: a row found in {@code calling} after a crash whose user is not in the
 * database may or may not exist at Plaid, so it becomes {@code uncertain} (shown in the summary) and is never sent
 * twice. The job id is the SHA-256 of the file, so uploading the same file again resumes the same job.
 */
@ApplicationScoped
public class BackfillService {

    private static final Logger LOG = Logger.getLogger(BackfillService.class);

    private final BeaconSwitch beacon;
    private final BeaconConfig config;
    private final BeaconUserService users;
    private final MeterRegistry meters;

    public BackfillService(BeaconSwitch beacon, BeaconConfig config, BeaconUserService users, MeterRegistry meters) {
        this.beacon = beacon;
        this.config = config;
        this.users = users;
        this.meters = meters;
    }

    /** Counts per state: the progress and, once nothing is pending, the summary. */
    public record Progress(@JsonProperty("job_id") String jobId, @JsonProperty("file_name") String fileName,
                           @JsonProperty("total_rows") int total, @JsonProperty("pending") long pending,
                           @JsonProperty("created") long created, @JsonProperty("reports_filed") long reported,
                           @JsonProperty("skipped") long skipped, @JsonProperty("failed") long failed,
                           @JsonProperty("uncertain") long uncertain, @JsonProperty("finished") boolean finished,
                           @JsonProperty("failures") List<Failure> failures) {
    }

    public record Failure(@JsonProperty("line") long line, @JsonProperty("reason") String reason) {
    }

    private record Staged(long line, String clientUserId, PiiCipher.Sealed pii, String report, String state, String error) {
    }

    private record Claimed(String jobId, long line, String clientUserId, String piiKeyId, String piiCiphertext, String report,
                           String state, String beaconUserId) {
    }

    /** Stages a file; returns the job's progress. The same file again returns the existing job. */
    public Uni<Progress> submit(String fileName, String formatName, String content) {
        beacon.requireEnabled();
        BackfillParser.Format format;
        try {
            format = BackfillParser.Format.of(formatName != null ? formatName : fileName);
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "BACKFILL_FORMAT", e.getMessage());
        }
        BackfillParser.Format fmt = format;
        io.vertx.core.Context ctx = io.vertx.core.Vertx.currentContext();
        if (ctx == null) {
            return stageAndStore(fileName, fmt, content);
        }
        // parsing and encrypting thousands of rows takes seconds: off the event loop, back on this context after
        return Uni.createFrom().completionStage(() -> ctx.<List<Staged>>executeBlocking(() -> stage(fmt, content)).toCompletionStage())
                .chain(rows -> store(fileName, fmt, content, rows));
    }

    private Uni<Progress> stageAndStore(String fileName, BackfillParser.Format format, String content) {
        return store(fileName, format, content, stage(format, content));
    }

    private List<Staged> stage(BackfillParser.Format format, String content) {
        List<Staged> rows = new ArrayList<>();
        Map<String, Long> firstLine = new TreeMap<>();
        try {
            BackfillParser.parse(new StringReader(content), format, r -> {
                Long seen = firstLine.putIfAbsent(r.clientUserId(), r.line());
                if (seen != null) {
                    rows.add(new Staged(r.line(), r.clientUserId(), null, null, "failed",
                            "client_user_id repeats line " + seen + " of the file"));
                    return;
                }
                PiiCipher.Sealed pii = beacon.cipher().seal(r.clientUserId(), json(r.user()));
                rows.add(new Staged(r.line(), r.clientUserId(), pii, r.report() == null ? null : json(r.report()), "pending", null));
            }, p -> rows.add(new Staged(p.line(), null, null, null, "failed", p.message())));
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "BACKFILL_FILE_INVALID", e.getMessage());
        }
        return rows;
    }

    private Uni<Progress> store(String fileName, BackfillParser.Format format, String content, List<Staged> rows) {
        String jobId = "bf_" + sha256(content).substring(0, 24);
        long invalid = rows.stream().filter(r -> r.state().equals("failed")).count();
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                                "INSERT INTO backfill_job (id, file_name, format, total_rows, invalid_rows) VALUES (?1, ?2, ?3, ?4, ?5) "
                                        + "ON CONFLICT (id) DO NOTHING")
                        .setParameter(1, jobId).setParameter(2, fileName == null ? "upload" : fileName)
                        .setParameter(3, format.name()).setParameter(4, rows.size()).setParameter(5, (int) invalid)
                        .executeUpdate()
                        .chain(inserted -> inserted == 0 ? Uni.createFrom().voidItem() : insertRows(s, jobId, rows))))
                .invoke(() -> LOG.infof("backfill %s (%s, %s): %d rows staged, %d invalid", jobId, fileName, format, rows.size(), invalid))
                .chain(() -> progress(jobId));
    }

    private Uni<Void> insertRows(Mutiny.Session s, String jobId, List<Staged> rows) {
        List<List<Staged>> batches = new ArrayList<>();
        for (int i = 0; i < rows.size(); i += 500) {
            batches.add(rows.subList(i, Math.min(rows.size(), i + 500)));
        }
        return Multi.createFrom().iterable(batches).onItem().transformToUniAndConcatenate(batch -> {
            String[] jobIds = new String[batch.size()];
            Long[] lines = new Long[batch.size()];
            String[] clients = new String[batch.size()];
            String[] keyIds = new String[batch.size()];
            String[] ciphers = new String[batch.size()];
            String[] reports = new String[batch.size()];
            String[] states = new String[batch.size()];
            String[] errors = new String[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                Staged r = batch.get(i);
                jobIds[i] = jobId;
                lines[i] = r.line();
                clients[i] = r.clientUserId();
                keyIds[i] = r.pii() == null ? null : r.pii().keyId();
                ciphers[i] = r.pii() == null ? null : r.pii().ciphertext();
                reports[i] = r.report();
                states[i] = r.state();
                errors[i] = r.error();
            }
            return s.createNativeQuery("INSERT INTO backfill_row (job_id, line, client_user_id, pii_key_id, pii_ciphertext, report, state, error) "
                            + "SELECT * FROM unnest(CAST(?1 AS text[]), CAST(?2 AS bigint[]), CAST(?3 AS text[]), CAST(?4 AS text[]), "
                            + "CAST(?5 AS text[]), CAST(?6 AS text[]), CAST(?7 AS text[]), CAST(?8 AS text[]))")
                    .setParameter(1, jobIds).setParameter(2, lines).setParameter(3, clients).setParameter(4, keyIds)
                    .setParameter(5, ciphers).setParameter(6, reports).setParameter(7, states).setParameter(8, errors)
                    .executeUpdate();
        }).collect().last().replaceWithVoid();
    }

    public Uni<Progress> progress(String jobId) {
        return Panache.withSession(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "SELECT file_name, total_rows FROM backfill_job WHERE id = ?1", Object[].class).setParameter(1, jobId)
                .getResultList()
                .chain(job -> {
                    if (job.isEmpty()) {
                        return Uni.createFrom().failure(new ApiException(404, "BACKFILL_JOB_NOT_FOUND", "no backfill job " + jobId));
                    }
                    return s.createNativeQuery("SELECT state, count(*) FROM backfill_row WHERE job_id = ?1 GROUP BY state", Object[].class)
                            .setParameter(1, jobId).getResultList()
                            .chain(counts -> s.createNativeQuery("SELECT line, error FROM backfill_row WHERE job_id = ?1 AND state IN ('failed','uncertain') "
                                            + "ORDER BY line LIMIT 100", Object[].class).setParameter(1, jobId).getResultList()
                                    .map(fails -> {
                                        Map<String, Long> c = new TreeMap<>();
                                        counts.forEach(r -> c.put((String) r[0], ((Number) r[1]).longValue()));
                                        long pending = c.getOrDefault("pending", 0L) + c.getOrDefault("calling", 0L);
                                        long created = c.getOrDefault("created", 0L) + c.getOrDefault("reported", 0L);
                                        long open = pending + c.getOrDefault("created_report_pending", 0L);
                                        return new Progress(jobId, (String) job.get(0)[0], ((Number) job.get(0)[1]).intValue(), open,
                                                created, c.getOrDefault("reported", 0L), c.getOrDefault("skipped", 0L),
                                                c.getOrDefault("failed", 0L), c.getOrDefault("uncertain", 0L), open == 0,
                                                fails.stream().map(f -> new Failure(((Number) f[0]).longValue(), (String) f[1])).toList());
                                    }));
                })));
    }

    /**
     * One worker round: resolve rows a crash left in {@code calling}, then claim and import up to a batch of rows.
     * Returns how many rows were worked.
     */
    public Uni<Integer> workOnce() {
        if (!beacon.enabled()) {
            return Uni.createFrom().item(0);
        }
        return resolveInterrupted().chain(() -> claim()).chain(rows -> Multi.createFrom().iterable(rows)
                .onItem().transformToUniAndConcatenate(this::importRow)
                .collect().asList().map(List::size));
    }

    /** Rows in {@code calling} with no open worker are what a crash left: created if their user committed, else uncertain. */
    Uni<Void> resolveInterrupted() {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "UPDATE backfill_row r SET state = CASE WHEN r.report IS NULL THEN 'created' ELSE 'created_report_pending' END, "
                                + "beacon_user_id = u.beacon_user_id, updated_at = now() FROM beacon_user u "
                                + "WHERE r.state = 'calling' AND u.client_user_id = r.client_user_id AND r.updated_at < now() - interval '2 minutes'")
                .executeUpdate()
                .chain(() -> s.createNativeQuery("UPDATE backfill_row SET state = 'uncertain', updated_at = now(), error = "
                                + "'interrupted during /beacon/user/create: the user may exist at Plaid; check before re-importing' "
                                + "WHERE state = 'calling' AND updated_at < now() - interval '2 minutes'")
                        .executeUpdate()))).replaceWithVoid();
    }

    /** Marks every row left in {@code calling} by a previous process as interrupted, at once (start-up). */
    public Uni<Void> resolveAfterRestart() {
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "UPDATE backfill_row SET updated_at = now() - interval '1 hour' WHERE state = 'calling'").executeUpdate()))
                .chain(this::resolveInterrupted);
    }

    private Uni<List<Claimed>> claim() {
        int n = Math.max(1, config.backfill().batchSize());
        return Panache.withTransaction(() -> Panache.getSession().chain(s -> s.createNativeQuery(
                        "UPDATE backfill_row r SET state = CASE WHEN r.state = 'pending' THEN 'calling' ELSE r.state END, updated_at = now() "
                                + "FROM (SELECT job_id, line FROM backfill_row WHERE state IN ('pending', 'created_report_pending') "
                                + "ORDER BY job_id, line LIMIT ?1 FOR UPDATE SKIP LOCKED) c "
                                + "WHERE r.job_id = c.job_id AND r.line = c.line "
                                + "RETURNING r.job_id, r.line, r.client_user_id, r.pii_key_id, r.pii_ciphertext, r.report, r.state, r.beacon_user_id",
                        Object[].class)
                .setParameter(1, n).getResultList()))
                .map(rows -> rows.stream().map(r -> new Claimed((String) r[0], ((Number) r[1]).longValue(), (String) r[2],
                        (String) r[3], (String) r[4], (String) r[5], (String) r[6], (String) r[7]))
                        .sorted((a, b) -> a.jobId().equals(b.jobId()) ? Long.compare(a.line(), b.line()) : a.jobId().compareTo(b.jobId()))
                        .toList());
    }

    private Uni<Void> importRow(Claimed row) {
        Duration pace = Duration.ofMillis(Math.max(1, 60_000L / Math.max(1, config.backfill().ratePerMinute())));
        if (row.state().equals("created_report_pending")) {
            return fileReport(row, row.beaconUserId()).onItem().delayIt().by(pace);
        }
        return Panache.withSession(() -> BeaconUserEntity.findByClientUserId(row.clientUserId())).chain(existing -> {
            if (existing != null) {
                meters.counter("tartan_beacon_backfill_rows_total", "outcome", "skipped").increment();
                return mark(row, "skipped", existing.beaconUserId, "a Beacon user already exists for this client_user_id");
            }
            UserData data = read(beacon.cipher().open(row.clientUserId(), new PiiCipher.Sealed(row.piiKeyId(), row.piiCiphertext())),
                    UserData.class);
            return users.createAtPlaid(row.clientUserId(), data, "backfill", () -> markIn(row,
                            row.report() == null ? "created" : "created_report_pending", null, null))
                    .chain(snap -> {
                        meters.counter("tartan_beacon_backfill_rows_total", "outcome", "created").increment();
                        return row.report() == null ? Uni.createFrom().voidItem() : fileReport(row, snap.beaconUserId());
                    })
                    .onFailure().recoverWithUni(e -> failed(row, e))
                    .onItem().delayIt().by(pace);
        });
    }

    private Uni<Void> fileReport(Claimed row, String beaconUserId) {
        FraudReportRequest report = read(row.report(), FraudReportRequest.class);
        return users.fileReport(beaconUserId, report, "backfill")
                .chain(() -> mark(row, "reported", beaconUserId, null))
                .onFailure().recoverWithUni(e -> failed(row, e));
    }

    private Uni<Void> failed(Claimed row, Throwable e) {
        if (e instanceof PlaidApiException p && !p.isRetryable()) {
            meters.counter("tartan_beacon_backfill_rows_total", "outcome", "failed").increment();
            return mark(row, "failed", null, "Plaid " + p.endpoint().path() + " refused: " + p.errorType() + "/" + p.errorCode()
                    + " (request_id " + p.requestId() + ")");
        }
        // transient (Plaid down, rate limit wait, database): back to where it was, tried again next round
        LOG.warnf("backfill %s line %d: transient failure, will retry: %s", row.jobId(), row.line(), e.getClass().getSimpleName());
        String back = row.state().equals("created_report_pending") ? "created_report_pending" : "pending";
        return Panache.withSession(() -> BeaconUserEntity.findByClientUserId(row.clientUserId()))
                .chain(u -> u != null && back.equals("pending")
                        ? mark(row, row.report() == null ? "created" : "created_report_pending", u.beaconUserId, null)
                        : mark(row, back, null, null));
    }

    private Uni<Void> mark(Claimed row, String state, String beaconUserId, String error) {
        return Panache.withTransaction(() -> markIn(row, state, beaconUserId, error)).replaceWithVoid();
    }

    private static Uni<Integer> markIn(Claimed row, String state, String beaconUserId, String error) {
        return Panache.getSession().chain(s -> s.createNativeQuery(
                        "UPDATE backfill_row SET state = ?1, beacon_user_id = COALESCE(?2, beacon_user_id, "
                                + "(SELECT beacon_user_id FROM beacon_user WHERE client_user_id = ?5)), error = ?3, updated_at = now() "
                                + "WHERE job_id = ?4 AND line = ?6")
                .setParameter(1, state).setParameter(2, beaconUserId).setParameter(3, error).setParameter(4, row.jobId())
                .setParameter(5, row.clientUserId()).setParameter(6, row.line()).executeUpdate());
    }

    private static String json(Object o) {
        try {
            return EventJson.mapper().writeValueAsString(o);
        } catch (Exception e) {
            throw new IllegalStateException("could not serialise a backfill row");
        }
    }

    private static <T> T read(String json, Class<T> type) {
        try {
            return EventJson.mapper().readValue(json, type);
        } catch (Exception e) {
            throw new IllegalStateException("a staged backfill row could not be read");
        }
    }

    static String sha256(String content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
