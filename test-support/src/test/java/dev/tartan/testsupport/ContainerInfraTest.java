package dev.tartan.testsupport;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/** The Docker path is optional: without an engine, asking for it changes nothing. */
class ContainerInfraTest {

    @Test
    void withoutDockerTheSettingsAreLeftForChildProcesses() {
        boolean docker;
        try {
            docker = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            docker = false;
        }
        assumeFalse(docker, "a Docker engine is present: the fallback is not exercised here");
        TartanInfra.Settings none = new TartanInfra.Settings(null, null, null, null);
        assertSame(none, ContainerInfra.startOrFallBack(none));
    }
}
