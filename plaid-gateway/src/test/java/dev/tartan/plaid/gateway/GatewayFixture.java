package dev.tartan.plaid.gateway;

import dev.tartan.plaid.gateway.crypto.AccessTokenCipher;
import dev.tartan.contracts.SealedToken;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/** A real gateway (real plaid-java, real OkHttp) against a {@link StubPlaid}. */
final class GatewayFixture implements AutoCloseable {

    final StubPlaid plaid;
    final PlaidGatewayConfig config;
    final AccessTokenCipher cipher;
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final PlaidGateway gateway;

    GatewayFixture(StubPlaid plaid, TestConfig config) {
        this.plaid = plaid;
        this.config = config.build();
        this.cipher = new AccessTokenCipher(this.config);
        this.gateway = new PlaidGateway(this.config, cipher, meters);
    }

    static GatewayFixture start(java.util.function.UnaryOperator<TestConfig> tweaks) throws Exception {
        StubPlaid stub = new StubPlaid();
        return new GatewayFixture(stub, tweaks.apply(TestConfig.against(stub.baseUrl())));
    }

    double count(String endpoint, String outcome) {
        // summed over error_code
        return meters.find(CallObserver.CALLS_METRIC).tags("endpoint", endpoint, "outcome", outcome).timers().stream()
                .mapToLong(io.micrometer.core.instrument.Timer::count).sum();
    }

    /** Opens a sealed token with nothing but the JDK and the test key: the documented format. */
    static String decryptWithTestKey(String itemId, SealedToken token) throws Exception {
        byte[] raw = Base64.getDecoder().decode(token.ciphertext());
        Cipher gcm = Cipher.getInstance("AES/GCM/NoPadding");
        byte[] key = token.keyId().equals("k1") ? TestConfig.bytes(1) : TestConfig.bytes(2);
        gcm.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, raw, 0, 12));
        gcm.updateAAD(itemId.getBytes(StandardCharsets.UTF_8));
        return new String(gcm.doFinal(raw, 12, raw.length - 12), StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws Exception {
        Method close = PlaidGateway.class.getDeclaredMethod("close");
        close.setAccessible(true);
        close.invoke(gateway);
        plaid.close();
    }
}
