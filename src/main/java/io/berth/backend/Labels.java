package io.berth.backend;

/** The labels on every object a backend creates; {@link #INSTANCE} scopes them to one Berth. */
public final class Labels {
    public static final String INSTANCE = "berth.instance";
    public static final String USER = "berth.user";
    public static final String STACK = "berth.stack";
    public static final String SERVICE = "berth.service";
    /** On volumes: the volume's name as the template gives it (the Docker name is escaped and scoped). */
    public static final String VOLUME = "berth.volume";

    private Labels() { }
}
