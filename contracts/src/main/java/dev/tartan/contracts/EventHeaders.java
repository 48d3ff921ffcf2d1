package dev.tartan.contracts;

/**
 * Kafka header names. The CloudEvents attributes travel both in the JSON envelope (so one parse
 * gives a consumer everything) and as {@code ce_*} headers (so routing, tracing and replay tools
 * need not parse the value), following the CloudEvents Kafka binding used by SmallRye.
 */
public final class EventHeaders {
    public static final String ID = "ce_id";
    public static final String TYPE = "ce_type";
    public static final String SOURCE = "ce_source";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String SPEC_VERSION = "ce_specversion";
    public static final String CONTENT_TYPE = "content-type";
    /** W3C trace context, so one trace follows a webhook from HTTP through Kafka to the command it caused. */
    public static final String TRACEPARENT = "traceparent";

    private EventHeaders() {
    }
}
