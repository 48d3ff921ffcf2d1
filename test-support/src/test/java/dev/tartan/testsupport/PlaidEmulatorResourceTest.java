package dev.tartan.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tartan.infra.InfraProcess;
import dev.tartan.infra.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlaidEmulatorResourceTest {

    @TempDir
    Path tmp;

    @Test
    void launchesTheJarWithTestSettingsAndTheClientTalksJson() throws Exception {
        Path jar = fakeEmulatorJar();
        int port = Ports.free();
        InfraProcess emulator = PlaidEmulatorResource.launch(jar, port, "http://127.0.0.1:1234/plaid/webhooks",
                tmp.resolve("emulator.log"));
        try {
            EmulatorClient client = new EmulatorClient("http://127.0.0.1:" + port);
            assertEquals("http://127.0.0.1:" + port + "/", client.baseUrl());
            JsonNode echo = client.post("/emulator/settings", Map.of("a", 1));
            assertEquals("1s", echo.get("retry").asText());
            assertEquals("http://127.0.0.1:1234/plaid/webhooks", echo.get("webhook").asText());
            assertEquals("POST", echo.get("method").asText());
            assertEquals("{\"a\":1}", echo.get("body").asText());
            assertEquals("{}", client.post("emulator/settings").get("body").asText());
            assertEquals("GET", client.get("/emulator/settings").get("method").asText());

            EmulatorClient.Response error = client.send("POST", "/item/get", "{\"access_token\":\"x\"}");
            assertEquals(400, error.status());
            assertEquals("INVALID_ACCESS_TOKEN", error.body().get("error_code").asText());
            EmulatorClient.EmulatorCallException thrown = assertThrows(EmulatorClient.EmulatorCallException.class,
                    () -> client.post("/item/get", Map.of()));
            assertEquals(400, thrown.status());
        } finally {
            emulator.stop();
        }
    }

    @Test
    void missingJarSaysHowToBuildIt() {
        String root = System.getProperty("tartan.repo.root");
        System.setProperty("tartan.repo.root", tmp.toString());
        try {
            IllegalStateException e = assertThrows(IllegalStateException.class, PlaidEmulatorResource::emulatorJar);
            assertTrue(e.getMessage().contains("./mvnw -B -pl plaid-emulator -am package"), e.getMessage());
        } finally {
            if (root == null) {
                System.clearProperty("tartan.repo.root");
            } else {
                System.setProperty("tartan.repo.root", root);
            }
        }
    }

    @Test
    void resourceConfigCarriesCredentialsAndAStableTokenKey() {
        String key = PlaidEmulatorResource.tokenEncryptionKey();
        assertEquals(32, Base64.getDecoder().decode(key).length);
        assertEquals(key, PlaidEmulatorResource.tokenEncryptionKey());
    }

    /** Runs only where the real emulator has been built. */
    @Test
    void realEmulatorStartsWhenBuilt() {
        Path real = Path.of(System.getProperty("tartan.repo.root", "."),
                "plaid-emulator/target/quarkus-app/quarkus-run.jar");
        assumeTrue(Files.isRegularFile(real), "plaid-emulator is not built");
        Map<String, String> config = new PlaidEmulatorResource().start();
        assertTrue(config.get("tartan.plaid.base-url").startsWith("http://127.0.0.1:"));
        assertEquals("tartan-dev-client", config.get("tartan.plaid.client-id"));
        assertEquals("test-key-1", config.get("tartan.plaid.token-encryption.active-key-id"));
        assertEquals(PlaidEmulatorResource.tokenEncryptionKey(),
                config.get("tartan.plaid.token-encryption.keys.test-key-1"));
        assertEquals(200, PlaidEmulatorResource.client().send("GET", "/q/health/ready", null).status());
    }

    /** A jar whose manifest runs FakeEmulatorMain from this module's test classes. */
    private Path fakeEmulatorJar() throws Exception {
        Path classes = Path.of(FakeEmulatorMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Manifest m = new Manifest();
        m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, FakeEmulatorMain.class.getName());
        m.getMainAttributes().put(Attributes.Name.CLASS_PATH, classes.toUri().toString());
        Path jar = tmp.resolve("quarkus-run.jar");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m)) {
            j.flush();
        }
        return jar;
    }
}
