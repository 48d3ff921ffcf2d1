package dev.tartan.emulator.api;

import java.security.SecureRandom;
import java.util.UUID;

/** Identifiers in Plaid's formats. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private Ids() {
    }

    public static String alnum(int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(ALNUM.charAt(RANDOM.nextInt(ALNUM.length())));
        }
        return sb.toString();
    }

    /** Plaid's {@code request_id}: 15 alphanumerics ({@code RZ6Omi1bzzwDaLo}). */
    public static String requestId() {
        return alnum(15);
    }

    /** Item and account ids are 37 alphanumerics ({@code M5eVJqLnv3tbzdngLDp9FL5OlDNxlNhlE55op}). */
    public static String plaidId() {
        return alnum(37);
    }

    public static String linkToken(String env) {
        return "link-" + env + "-" + UUID.randomUUID();
    }

    public static String publicToken(String env) {
        return "public-" + env + "-" + UUID.randomUUID();
    }

    public static String accessToken(String env) {
        return "access-" + env + "-" + UUID.randomUUID();
    }

    /** Beacon ids: prefix plus 14 alphanumerics ({@code becusr_4WciCrtbxF76T8}). */
    public static String beacon(String prefix) {
        return prefix + "_" + alnum(14);
    }

    public static String uuid() {
        return UUID.randomUUID().toString();
    }
}
