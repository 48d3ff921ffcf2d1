package dev.tartan.beacon.it;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.beacon.user.UserData;
import dev.tartan.contracts.EventJson;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TartanInfra;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The backfill survives a real crash: the packaged service is started as its own process, imports a generated file
 * of several thousand random users (some with known fraud, some invalid lines), is killed with SIGKILL halfway, and
 * finishes after a restart without creating anyone twice.
 */
class BackfillKillResumeIT {

    // "several thousand" in production; 600 here because this shared 2-core machine imports only ~2 users/s under
    // load (the import path is the same for any size)
    static final int USERS = Integer.getInteger("tartan.test.backfill.users", 600);
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    Process service;

    @AfterEach
    void stop() {
        if (service != null && service.isAlive()) {
            service.destroyForcibly();
        }
    }

    @Test
    void killedHalfwayAndFinishedOnRestart() throws Exception {
        Map<String, String> config = new LinkedHashMap<>(TartanInfraResource.configFor("beaconbackfill"));
        config.putAll(new PlaidEmulatorResource().start());
        config.putAll(new BeaconOnProfile().getConfigOverrides());
        config.put("tartan.beacon.backfill.rate-per-minute", "3000");
        config.put("quarkus.log.file.enabled", "false");
        String db = TartanInfraResource.databaseName("beaconbackfill");

        // the file: USERS valid users, 5% known fraud, plus three broken lines and one repeated client_user_id
        StringBuilder file = new StringBuilder();
        int reports = 0;
        List<String> clients = new ArrayList<>();
        for (int i = 0; i < USERS; i++) {
            String client = "bf-" + i + "-" + RandomUsers.clientUserId();
            clients.add(client);
            UserData u = RandomUsers.random();
            Map<String, Object> line = new HashMap<>();
            line.put("client_user_id", client);
            line.put("user", u);
            if (i % 20 == 7) {
                reports++;
                line.put("report", Map.of("type", i % 40 == 7 ? "first_party" : "stolen",
                        "fraud_date", LocalDate.now().minusDays(1 + ThreadLocalRandom.current().nextInt(170)).toString()));
            }
            file.append(EventJson.mapper().writeValueAsString(line)).append('\n');
            if (i == 100) {
                file.append("{not json\n");
                file.append("{\"client_user_id\":\"bf-missing-user\"}\n");
                file.append("{\"client_user_id\":\"bf-bad-report\",\"user\":{\"name\":{\"given_name\":\"A\",\"family_name\":\"B\"},"
                        + "\"date_of_birth\":\"1990-01-01\"},\"report\":{\"type\":\"chargeback\",\"fraud_date\":\"2025-01-01\"}}\n");
            }
            if (i == 200 % USERS) {
                file.append(EventJson.mapper().writeValueAsString(Map.of("client_user_id", clients.get(5), "user", RandomUsers.random())))
                        .append('\n');
            }
        }
        int expectedFailed = 4;

        int port = freePort();
        service = launch(config, port, "backfill-run-1.log");
        String token = TestJwt.token("backfill-operator", "operator");
        HttpResponse<String> submitted = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/beacon/backfill?format=jsonl&name=users.jsonl"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(file.toString())).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(202, submitted.statusCode(), submitted.body());
        String jobId = EventJson.mapper().readTree(submitted.body()).get("job_id").asText();

        // kill it halfway, hard
        JsonNode progress = awaitProgress(port, token, jobId, p -> p.get("created").asInt() >= USERS / 2, Duration.ofMinutes(10));
        service.destroyForcibly().waitFor();
        int createdBeforeKill = progress.get("created").asInt();
        assertTrue(createdBeforeKill < USERS, "killed before the end");

        // restart: it resumes by itself; uploading the same file again is the same job
        port = freePort();
        service = launch(config, port, "backfill-run-2.log");
        HttpResponse<String> again = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/beacon/backfill?format=jsonl&name=users.jsonl"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofString(file.toString())).timeout(Duration.ofSeconds(60)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(jobId, EventJson.mapper().readTree(again.body()).get("job_id").asText());
        JsonNode summary = awaitProgress(port, token, jobId, p -> p.get("finished").asBoolean(), Duration.ofMinutes(12));

        int created = summary.get("created").asInt();
        int uncertain = summary.get("uncertain").asInt();
        assertEquals(USERS + expectedFailed, summary.get("total_rows").asInt());
        assertEquals(expectedFailed, summary.get("failed").asInt(), summary.toString());
        assertTrue(uncertain <= 1, "at most the one row in flight at the kill is uncertain: " + summary);
        assertEquals(USERS, created + uncertain, summary.toString());
        assertTrue(summary.get("reports_filed").asInt() >= reports - uncertain, summary.toString());

        try (Connection c = TartanInfra.get().connect(db)) {
            // one Beacon user per client_user_id (also a unique constraint), and every created row points at its own user
            ResultSet rs = c.createStatement().executeQuery("SELECT count(*), count(DISTINCT client_user_id) FROM beacon_user");
            rs.next();
            assertEquals(created, rs.getInt(1));
            assertEquals(created, rs.getInt(2));
            ResultSet rows = c.createStatement().executeQuery("SELECT count(*) FROM backfill_row r JOIN beacon_user u "
                    + "ON u.beacon_user_id = r.beacon_user_id AND u.client_user_id = r.client_user_id WHERE r.state IN ('created','reported')");
            rows.next();
            assertEquals(created, rows.getInt(1));
            ResultSet pii = c.createStatement().executeQuery("SELECT count(*) FROM beacon_user WHERE pii_ciphertext IS NULL");
            pii.next();
            assertEquals(0, pii.getInt(1), "every imported user's data is stored, encrypted");
        }
        String logs = Files.readString(Path.of("target", "backfill-run-1.log")) + Files.readString(Path.of("target", "backfill-run-2.log"));
        for (String value : RandomUsers.GENERATED) {
            assertTrue(!logs.contains(value), "a log line contains generated PII");
        }
    }

    Process launch(Map<String, String> config, int port, String logName) throws Exception {
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        assertTrue(Files.exists(jar), "the service is packaged before integration tests");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx512m");
        config.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("-Dquarkus.http.port=" + port);
        cmd.add("-Dquarkus.http.host=127.0.0.1");
        cmd.add("-jar");
        cmd.add(jar.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(new File("target/" + logName)).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new AssertionError("the service exited at start-up; see target/" + logName);
            }
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (Exception notYet) {
                // starting
            }
            Thread.sleep(300);
        }
        throw new AssertionError("the service did not become ready; see target/" + logName);
    }

    static JsonNode awaitProgress(int port, String token, String jobId, java.util.function.Predicate<JsonNode> done, Duration timeout)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/beacon/backfill/" + jobId))
                    .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                last = EventJson.mapper().readTree(r.body());
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("backfill did not get there within " + timeout + "; last progress " + last);
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
