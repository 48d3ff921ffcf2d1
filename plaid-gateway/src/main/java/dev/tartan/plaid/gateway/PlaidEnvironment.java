package dev.tartan.plaid.gateway;

/** Which Plaid the gateway talks to; see {@link PlaidGatewayConfig#environment()}. */
public enum PlaidEnvironment {
    SANDBOX,
    PRODUCTION,
    /** Tartan's offline Plaid (the {@code plaid-emulator} module). */
    EMULATOR
}
