package io.berth.backend;

/** Where the proxy reaches a started service: host (an address on the stack's network) and port. */
public record Endpoint(String service, String host, int port) { }
