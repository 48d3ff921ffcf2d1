package dev.tartan.item.api;

/** Every error answer: a stable code a client can branch on and a message a developer can act on. */
public record ApiError(String code, String message) {
}
