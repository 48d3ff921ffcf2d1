package dev.tartan.ingest.verification;

/** A delivery refused for a {@link RejectionReason}; the message is for operators and never contains the body. */
public class WebhookRejectedException extends RuntimeException {

    private final RejectionReason reason;
    private final String keyId;

    public WebhookRejectedException(RejectionReason reason, String message) {
        this(reason, message, null);
    }

    public WebhookRejectedException(RejectionReason reason, String message, String keyId) {
        super(message, null, false, false);
        this.reason = reason;
        this.keyId = keyId;
    }

    public RejectionReason reason() {
        return reason;
    }

    /** The {@code kid} of the JWT when it got that far, else {@code null}. */
    public String keyId() {
        return keyId;
    }
}
