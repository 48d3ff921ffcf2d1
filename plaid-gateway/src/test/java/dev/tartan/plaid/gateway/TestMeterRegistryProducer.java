package dev.tartan.plaid.gateway;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * For {@link QuarkusWiringTest}: Quarkus' composite registry records nothing without a backing
 * registry (the services add Prometheus); this one joins the composite so counts can be read.
 */
@Singleton
public class TestMeterRegistryProducer {

    @Produces
    @Singleton
    SimpleMeterRegistry simpleMeterRegistry() {
        return new SimpleMeterRegistry();
    }
}
