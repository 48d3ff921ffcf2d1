package dev.tartan.identity.bench;

import dev.tartan.contracts.EventEnvelope;
import dev.tartan.contracts.EventTypes;
import dev.tartan.contracts.SealedToken;
import dev.tartan.contracts.Topics;
import dev.tartan.contracts.item.InstitutionRef;
import dev.tartan.contracts.item.ItemLinked;
import dev.tartan.contracts.item.LinkedAccount;
import dev.tartan.plaid.gateway.ExchangedItem;
import dev.tartan.plaid.gateway.PlaidCallContext;
import dev.tartan.plaid.gateway.PlaidEndpoint;
import dev.tartan.plaid.gateway.PlaidGateway;
import dev.tartan.testsupport.EmulatorClient;
import dev.tartan.testsupport.KafkaTestClient;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.TestJwt;
import dev.tartan.testsupport.TopicProbe;
import com.plaid.client.model.Products;
import com.plaid.client.model.SandboxPublicTokenCreateRequest;
import com.plaid.client.model.SandboxPublicTokenCreateRequestOptions;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;

/**
 * Benchmark, not a timed test: decisions per second from item.linked through /identity/match on the emulator
 * (plaid-java, gateway) to the decision event on the broker. Items are created first; the clock runs from the
 * first item.linked sent to the last decision received.
 * <pre>./mvnw -B -pl identity-service verify -Dtest=DecisionThroughputBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dbench.items=200</pre>
 */
@QuarkusTest
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "identity"))
@WithTestResource(PlaidEmulatorResource.class)
class DecisionThroughputBenchmark {

    @Inject
    PlaidGateway gateway;

    @Test
    void decisionsPerSecond() {
        int n = Integer.getInteger("bench.items", 200);
        EmulatorClient emulator = PlaidEmulatorResource.client();
        String user = "bench-user";
        given().auth().oauth2(TestJwt.token("app", "app")).contentType(ContentType.JSON)
                .body(Map.of("legal_name", "Alberta Bobbeth Charleson", "phone_number", "+1 111-222-3333",
                        "email_address", "accountholder0@example.com"))
                .put("/identity/users/" + user + "/profile").then().statusCode(200);
        List<EventEnvelope> envelopes = new ArrayList<>();
        int accounts = 0;
        for (int i = 0; i < n; i++) {
            String publicToken = gateway.call(PlaidEndpoint.SANDBOX_PUBLIC_TOKEN_CREATE, PlaidCallContext.none(),
                    api -> api.sandboxPublicTokenCreate(new SandboxPublicTokenCreateRequest().institutionId("ins_109508")
                            .initialProducts(List.of(Products.AUTH, Products.IDENTITY))
                            .options(new SandboxPublicTokenCreateRequestOptions().overrideUsername("user_good").overridePassword("pass_good"))))
                    .await().atMost(Duration.ofSeconds(30)).getPublicToken();
            ExchangedItem item = gateway.exchangePublicToken(publicToken, PlaidCallContext.none()).await().atMost(Duration.ofSeconds(30));
            List<LinkedAccount> linked = new ArrayList<>();
            emulator.get("/emulator/items/" + item.itemId()).path("accounts").forEach(a -> linked.add(
                    new LinkedAccount(a.path("account_id").asText(), "acc", "0000", "depository", "checking")));
            accounts += linked.size();
            envelopes.add(EventEnvelope.wrap(EventTypes.ITEM_LINKED, "bench", item.itemId(), new ItemLinked(item.itemId(), user,
                    new InstitutionRef("ins_109508", "First Platypus Bank"), linked, List.of("auth", "identity"), List.of(), List.of(),
                    List.of(), "link", item.accessToken(), Instant.now())));
        }
        try (KafkaTestClient kafka = new KafkaTestClient(TartanInfraResource.kafkaBootstrapServers());
             TopicProbe decisions = kafka.watch(Topics.IDENTITY_VERIFICATIONS)) {
            long start = System.nanoTime();
            for (EventEnvelope e : envelopes) {
                kafka.send(Topics.ITEMS_EVENTS, e.subject(), e.toJson());
            }
            decisions.awaitCount(accounts, Duration.ofMinutes(10));
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("DecisionThroughputBenchmark: %d Items, %d account decisions in %.2f s = %.1f Items/s, %.1f decisions/s "
                    + "(item.linked -> /auth/get + /identity/match + /identity/get on the emulator -> outbox -> broker)%n",
                    n, accounts, seconds, n / seconds, accounts / seconds);
        }
    }
}
