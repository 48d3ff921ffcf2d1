package dev.tartan.ingest.verification;

import org.jboss.logging.Logger;

import java.security.Provider;
import java.util.Locale;

/**
 * Picks the provider that verifies ES256 signatures. The JDK's own EC code is an order of magnitude slower than the
 * native providers shipped as jars (Amazon Corretto Crypto Provider, Conscrypt), so the fast ones are preferred
 * where their native library loads on this platform; the JDK's is the fallback. Nothing is installed globally: the
 * chosen provider is handed to the JOSE verifier only, so TLS and everything else keep the JDK defaults.
 */
public final class SignatureProviders {

    private static final Logger LOG = Logger.getLogger(SignatureProviders.class);

    /** The provider chosen and why; {@code provider} is {@code null} for the JDK's default. */
    public record Choice(String name, Provider provider) {
    }

    private SignatureProviders() {
    }

    /** @param wanted {@code auto}, {@code accp}, {@code conscrypt} or {@code jdk} */
    public static Choice choose(String wanted) {
        String w = wanted == null ? "auto" : wanted.trim().toLowerCase(Locale.ROOT);
        return switch (w) {
            case "jdk" -> new Choice("jdk", null);
            case "accp" -> orJdk(accp(), "accp");
            case "conscrypt" -> orJdk(conscrypt(), "conscrypt");
            case "auto" -> {
                Choice c = accp();
                if (c == null) {
                    c = conscrypt();
                }
                yield orJdk(c, "auto");
            }
            default -> throw new IllegalArgumentException("tartan.ingest.verification.provider must be auto, accp, conscrypt or jdk, not " + wanted);
        };
    }

    private static Choice orJdk(Choice c, String wanted) {
        if (c != null) {
            return c;
        }
        LOG.warnf("signature provider '%s' is not available here; falling back to the JDK's (slow) EC code", wanted);
        return new Choice("jdk", null);
    }

    static Choice accp() {
        try {
            Class<?> cls = Class.forName("com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider");
            Provider p = (Provider) cls.getField("INSTANCE").get(null);
            Throwable loadingError = (Throwable) cls.getMethod("getLoadingError").invoke(p);
            if (loadingError != null) {
                LOG.infof("Amazon Corretto Crypto Provider did not load: %s", loadingError.toString());
                return null;
            }
            cls.getMethod("assertHealthy").invoke(p);
            if (p.getService("Signature", "SHA256withECDSA") == null) {
                return null;
            }
            return new Choice("accp " + p.getVersionStr(), p);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.infof("Amazon Corretto Crypto Provider unavailable: %s", e.toString());
            return null;
        }
    }

    static Choice conscrypt() {
        try {
            Class<?> cls = Class.forName("org.conscrypt.Conscrypt");
            if (!(Boolean) cls.getMethod("isAvailable").invoke(null)) {
                return null;
            }
            Provider p = (Provider) cls.getMethod("newProvider").invoke(null);
            if (p.getService("Signature", "SHA256withECDSA") == null) {
                return null;
            }
            return new Choice("conscrypt " + p.getVersionStr(), p);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.infof("Conscrypt unavailable: %s", e.toString());
            return null;
        }
    }
}
