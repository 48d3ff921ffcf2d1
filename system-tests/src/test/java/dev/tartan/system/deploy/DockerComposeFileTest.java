package dev.tartan.system.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * No Docker engine runs on our machines, so docker-compose.yml is checked, not run: every service
 * gets every configuration key it requires (the infrastructure keys plus each key the generated
 * configuration reference marks required), published ports match the ports the services listen on,
 * dependencies name services that exist, and every database a service points at is created.
 */
class DockerComposeFileTest {

    /** Keys every Tartan service needs from its environment: broker, its database, Plaid, JWT, token keys. */
    static final List<String> INFRASTRUCTURE_KEYS = List.of("KAFKA_BOOTSTRAP_SERVERS", "QUARKUS_DATASOURCE_REACTIVE_URL",
            "QUARKUS_DATASOURCE_JDBC_URL", "QUARKUS_DATASOURCE_USERNAME", "QUARKUS_DATASOURCE_PASSWORD", "TARTAN_PLAID_BASE_URL",
            "TARTAN_PLAID_CLIENT_ID", "TARTAN_PLAID_SECRET", "MP_JWT_VERIFY_PUBLICKEY_LOCATION", "MP_JWT_VERIFY_ISSUER",
            "QUARKUS_CONFIG_LOCATIONS");

    static JsonNode compose;
    static Map<String, Map<String, String>> env = new HashMap<>();

    @BeforeAll
    static void load() throws IOException {
        // SnakeYAML resolves anchors and merge keys (<<: *service-env) as Compose does; Jackson's YAML parser does not
        Object tree = new org.yaml.snakeyaml.Yaml().load(Files.readString(RepoFiles.root().resolve("docker-compose.yml")));
        compose = new ObjectMapper().valueToTree(tree);
        compose.get("services").fields().forEachRemaining(e -> {
            Map<String, String> vars = new HashMap<>();
            JsonNode environment = e.getValue().get("environment");
            if (environment != null) {
                environment.fields().forEachRemaining(v -> vars.put(v.getKey(), v.getValue().asText()));
            }
            env.put(e.getKey(), vars);
        });
    }

    @Test
    void everyServiceGetsEveryKeyItRequires() throws IOException {
        Map<String, Set<String>> required = requiredKeysFromReference();
        for (String service : RepoFiles.SERVICES) {
            Map<String, String> vars = env.get(service);
            assertNotNull(vars, "docker-compose.yml has no service " + service);
            for (String key : INFRASTRUCTURE_KEYS) {
                assertTrue(vars.containsKey(key), service + " lacks " + key);
            }
            for (String key : required.getOrDefault(service, Set.of())) {
                assertTrue(vars.containsKey(key) || INFRASTRUCTURE_KEYS.contains(key) || key.startsWith("TARTAN_PLAID_TOKEN_ENCRYPTION"),
                        service + " lacks required key " + key + " (see docs/configuration.md)");
            }
        }
    }

    /** Keys marked **required** in the generated docs/configuration.md, per module, as environment variable names. */
    static Map<String, Set<String>> requiredKeysFromReference() throws IOException {
        Map<String, Set<String>> out = new HashMap<>();
        String module = null;
        Set<String> shared = new HashSet<>();
        Pattern row = Pattern.compile("^\\| `([^`]+)` \\|.*\\| \\*\\*required\\*\\* \\|");
        for (String line : Files.readAllLines(RepoFiles.root().resolve("docs/configuration.md"))) {
            if (line.startsWith("## ")) {
                module = line.substring(3).trim();
                continue;
            }
            Matcher m = row.matcher(line);
            if (m.find() && module != null) {
                String envName = m.group(1).replaceAll("[.\\-\"]", "_").toUpperCase();
                (module.equals("plaid-gateway") || module.equals("outbox-inbox") ? shared : out.computeIfAbsent(module, k -> new HashSet<>())).add(envName);
            }
        }
        for (String service : RepoFiles.SERVICES) {
            out.computeIfAbsent(service, k -> new HashSet<>()).addAll(shared);
        }
        return out;
    }

    @Test
    void portsMatchWhatTheServicesListenOnAndAreUnique() throws IOException {
        Set<String> published = new HashSet<>();
        for (String service : RepoFiles.SERVICES) {
            Properties props = new Properties();
            Path file = RepoFiles.root().resolve(service + "/src/main/resources/application.properties");
            try (var in = Files.newInputStream(file)) {
                props.load(in);
            }
            String port = props.getProperty("quarkus.http.port");
            assertNotNull(port, service + " sets no quarkus.http.port");
            JsonNode ports = compose.get("services").get(service).get("ports");
            assertNotNull(ports, service + " publishes no port");
            String mapping = ports.get(0).asText();
            assertEquals(port, mapping.split(":")[1], service + " publishes " + mapping + " but listens on " + port);
            assertTrue(published.add(mapping.split(":")[0]), "host port " + mapping + " used twice");
            String health = compose.get("services").get(service).get("healthcheck").get("test").toString();
            assertTrue(health.contains(":" + port + "/q/health/ready"), service + " health check probes the wrong port");
        }
    }

    @Test
    void dependenciesExistAndDatabasesAreCreated() throws IOException {
        Set<String> names = new HashSet<>();
        compose.get("services").fieldNames().forEachRemaining(names::add);
        String sql = Files.readString(RepoFiles.root().resolve("deploy/compose/create-databases.sql"));
        Set<String> databases = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = compose.get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> svc = it.next();
            JsonNode deps = svc.getValue().get("depends_on");
            if (deps != null) {
                deps.fieldNames().forEachRemaining(d -> assertTrue(names.contains(d), svc.getKey() + " depends on unknown " + d));
            }
            String url = env.get(svc.getKey()).get("QUARKUS_DATASOURCE_REACTIVE_URL");
            if (url != null) {
                String db = url.substring(url.lastIndexOf('/') + 1);
                assertTrue(sql.contains("CREATE DATABASE " + db + ";"), svc.getKey() + " uses database " + db + " that is never created");
                assertTrue(databases.add(db), "database " + db + " is shared: each service owns its own");
                assertTrue(env.get(svc.getKey()).get("QUARKUS_DATASOURCE_JDBC_URL").endsWith("/" + db), svc.getKey() + " JDBC and reactive URLs differ");
            }
        }
        assertEquals(RepoFiles.SERVICES.length, databases.size());
        assertFalse(Files.readString(RepoFiles.root().resolve("docker-compose.yml")).contains("BEGIN PRIVATE KEY"), "no key material in the compose file");
    }
}
