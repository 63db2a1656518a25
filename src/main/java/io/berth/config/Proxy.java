package io.berth.config;

/** The reverse proxy in front of users' services ({@code proxy:} in berth.yaml). */
public final class Proxy {
    public static final String DEFAULT_APPS_DOMAIN = "localhost";

    /**
     * Domain under which host-routed services answer, one name each: {@code <service>--<stack>--<owner>.<domain>}
     * on the portal's port and scheme. Needs a wildcard DNS record (and certificate) for {@code *.<domain>};
     * the default {@code localhost} works in browsers with no DNS.
     */
    public String appsDomain = DEFAULT_APPS_DOMAIN;
    /** Whether admins may open every user's services (JupyterHub's {@code admin_access}); off by default. */
    public boolean adminAccess = false;
    /** Which templates may path-route (serve on the portal's own origin): off (default), trusted-templates or all. */
    public String pathRouting = "off";
    /**
     * Addresses of front proxies (exact IPs) whose {@code X-Forwarded-For/Proto/Host} Berth trusts and passes on;
     * from anyone else those headers are replaced.
     */
    public java.util.List<String> trustedProxies = new java.util.ArrayList<>();
    /** Seconds to wait for a service to accept a connection before answering 502. */
    public int connectTimeoutSeconds = 10;
    /** Seconds a service may stay silent in the middle of an HTTP response before the proxy gives up (504). */
    public int idleTimeoutSeconds = 300;
    /** Seconds a WebSocket may carry no traffic in either direction before the proxy closes it. */
    public int websocketIdleSeconds = 3600;
}
