package dev.tartan.link.token;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/**
 * Plaid's {@code auth} object of {@code /link/token/create}. {@code null} means "not sent" (the account default
 * applies), which matters: Database Insights only conflicts with flows <em>explicitly</em> enabled.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record AuthSettings(
        Boolean authTypeSelectEnabled,
        Boolean automatedMicrodepositsEnabled,
        Boolean instantMatchEnabled,
        Boolean sameDayMicrodepositsEnabled,
        Boolean instantMicrodepositsEnabled,
        String rerouteToCredentials,
        Boolean smsMicrodepositsVerificationEnabled,
        Boolean databaseMatchEnabled,
        Boolean databaseInsightsEnabled) {

    static boolean on(Boolean b) {
        return Boolean.TRUE.equals(b);
    }

    public boolean databaseInsights() {
        return on(databaseInsightsEnabled);
    }

    /** A flow explicitly enabled that Plaid offers only in the US (micro-deposits, Instant Match, Database Match). */
    public boolean usOnlyFlowEnabled() {
        return on(databaseMatchEnabled) || on(sameDayMicrodepositsEnabled) || on(instantMicrodepositsEnabled)
                || on(automatedMicrodepositsEnabled) || on(instantMatchEnabled);
    }
}
