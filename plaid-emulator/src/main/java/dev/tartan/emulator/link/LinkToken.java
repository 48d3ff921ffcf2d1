package dev.tartan.emulator.link;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A Link token and the configuration it was created with. {@code itemId} is set in update mode
 * (created with an {@code access_token}).
 */
public record LinkToken(String token, Instant createdAt, Instant expiration, String clientName, String language,
                        List<String> countryCodes, List<String> products, List<String> extraProducts,
                        String webhook, String redirectUri, String clientUserId, String itemId,
                        AuthFlow authFlow, DocumentUpload documentUpload, boolean accountSelectionEnabled,
                        List<LinkSession> sessions) {

    /** Which Auth flow the token enables ({@code auth} object of {@code /link/token/create}). */
    public enum AuthFlow {
        CREDENTIALS, DATABASE_INSIGHTS, DATABASE_MATCH,
        /** {@code auth.automated_microdeposits_enabled}: a manually entered account verified by micro-deposits. */
        AUTOMATED_MICRODEPOSITS
    }

    /** {@code identity.is_document_upload} configuration. */
    public record DocumentUpload(String accountId, boolean riskSignals) {
    }

    public LinkToken {
        sessions = sessions == null ? new ArrayList<>() : sessions;
    }

    public boolean updateMode() {
        return itemId != null;
    }

    public synchronized void addSession(LinkSession session) {
        sessions.add(session);
    }

    public synchronized List<LinkSession> sessionsSnapshot() {
        return List.copyOf(sessions);
    }
}
