package dev.tartan.ingest.publish;

/**
 * The publisher's marker: every spool seq of this instance up to {@code seq} is on Kafka, and {@code tx} names the
 * transaction that wrote it (null when unknown), so after a failure the marker read back says whether that very
 * transaction committed. Stored as the value of a record keyed by the instance id: {@code <seq> tx=<tx>}.
 */
record Marker(long seq, String tx) {

    private static final String TX = " tx=";

    static String value(long seq, String tx) {
        return seq + TX + tx;
    }

    /** The marker in a record value, or null when the value is not one. */
    static Marker parse(String value) {
        if (value == null) {
            return null;
        }
        int at = value.indexOf(TX);
        if (at <= 0) {
            return null;
        }
        try {
            long seq = Long.parseLong(value.substring(0, at));
            return seq < 0 ? null : new Marker(seq, value.substring(at + TX.length()));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
