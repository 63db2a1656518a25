package io.berth.config;

/**
 * Single sign-on with an OpenID Connect provider ({@code auth.oidc:} in berth.yaml); checked at start by
 * {@code OidcSettings}.
 */
public final class Oidc {
    public static final int DEFAULT_RECHECK_SECONDS = 900;

    /**
     * The provider's issuer URL ({@code https://sso.site.org/realms/hpc}); its discovery document is read from
     * {@code <issuer>/.well-known/openid-configuration}. Empty: single sign-on is off.
     */
    public String issuer = "";
    /** The client id registered for Berth at the provider. */
    public String clientId = "berth";
    /** The client secret; better kept out of this file: {@code client_secret_file} or BERTH_AUTH_OIDC_CLIENT_SECRET. */
    public String clientSecret = "";
    /** A file whose first line is the client secret (used when {@code client_secret} is empty). */
    public String clientSecretFile = "";
    /** Scopes asked for; {@code openid} is required. Some providers need an extra scope for groups. */
    public String scopes = "openid profile email";
    /** Name on the login button: "Sign in with <display_name>". */
    public String displayName = "single sign-on";
    /**
     * Claim that holds the user name in Berth. Keycloak's {@code sub} is a UUID, hence the default. Any name is
     * accepted: shown as spelled, the account keyed on its folded and escaped form (README, "Names from the provider").
     */
    public String usernameClaim = "preferred_username";
    /** Claim that holds the user's groups (a list of names; a leading {@code /} of Keycloak paths is dropped). */
    public String groupsClaim = "groups";
    /** Claim with the user's numeric POSIX uid, when the provider sends one (empty: none). */
    public String uidClaim = "";
    /** Claim with the user's numeric POSIX gid, when the provider sends one (empty: none). */
    public String gidClaim = "";
    /** Members of these groups are Berth admins; others are not (empty: admin rights are managed in Berth). */
    public java.util.List<String> adminGroups = new java.util.ArrayList<>();
    /** Only members of these groups may sign in (empty: every user of the provider may). */
    public java.util.List<String> allowedGroups = new java.util.ArrayList<>();
    /** Seconds of clock difference with the provider tolerated when checking token times (0 to 600). */
    public int clockSkewSeconds = 30;
    /**
     * Seconds between re-checks of a signed-in user with the provider while their session is in use (its refresh
     * token is spent): the session ends once the provider has signed them out (disabled, logged out) or their
     * groups are no longer allowed; groups and admin rights follow. 0: only at each sign-in.
     */
    public int recheckSeconds = DEFAULT_RECHECK_SECONDS;
    /** Whether logging out of Berth also ends the provider's session (RP-initiated logout, when it offers it). */
    public boolean providerLogout = true;
}
