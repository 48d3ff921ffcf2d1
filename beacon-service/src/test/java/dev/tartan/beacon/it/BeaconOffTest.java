package dev.tartan.beacon.it;

import dev.tartan.testsupport.TartanInfraResource;
import dev.tartan.testsupport.PlaidEmulatorResource;
import dev.tartan.testsupport.TestJwt;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import org.junit.jupiter.api.Test;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

/** Without a Beacon program id the service is off for Beacon work, says so, and is healthy. */
@QuarkusTest
@WithTestResource(value = TartanInfraResource.class, initArgs = @ResourceArg(name = TartanInfraResource.SERVICE_ARG, value = "beacon"))
@WithTestResource(PlaidEmulatorResource.class)
class BeaconOffTest {

    @Test
    void offButHealthy() {
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"));
        given().auth().oauth2(TestJwt.token("app-backend", "app")).contentType(ContentType.JSON)
                .body("{\"client_user_id\":\"u-1\",\"user\":{\"name\":{\"given_name\":\"A\",\"family_name\":\"B\"},\"date_of_birth\":\"1990-01-01\"}}")
                .post("/beacon/users").then().statusCode(503).body("code", equalTo("BEACON_DISABLED"));
    }
}
