package dev.tartan.infra;

/**
 * Points log4j2 (Kafka's and zonky's logging backend in the child JVMs and the stack) at this module's own
 * configuration. The file has a Tartan-specific name so that it never configures anything else when the
 * local-infra jar sits on another classpath.
 */
final class InfraLogging {

    private InfraLogging() {
    }

    static void configure() {
        if (System.getProperty("log4j2.configurationFile") == null
                && System.getProperty("log4j.configurationFile") == null) {
            System.setProperty("log4j2.configurationFile", "tartan-infra-log4j2.xml");
        }
    }
}
