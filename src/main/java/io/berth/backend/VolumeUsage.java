package io.berth.backend;

/**
 * The size of one named volume Berth made: whose it is ({@code owner}), the stack it belongs to ({@code null} for a
 * volume every stack of the owner shares), its name in the template, and the bytes its files take.
 */
public record VolumeUsage(String owner, String stack, String volume, long bytes) { }
