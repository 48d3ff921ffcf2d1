package dev.tartan.beacon.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The error body of every API refusal. */
public record ApiError(@JsonProperty("code") String code, @JsonProperty("message") String message) {
}
