package io.berth.config;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything an operator can set in {@code berth.yaml}. Keys are the snake_case forms of the field names
 * ({@code server.public_url}); every key can be overridden by an environment variable named {@code BERTH_} plus the
 * key's path in upper case with dots as underscores ({@code BERTH_SERVER_PORT}). Each field's Javadoc is the key's
 * documentation; its initial value is the default.
 */
public final class BerthConfig {

    /** The HTTP listener. */
    public Server server = new Server();
    /** Where Berth keeps its state. */
    public Store store = new Store();
    /** The service catalog. */
    public Catalog catalog = new Catalog();
    /**
     * What runs stacks: {@code docker} (the one engine of {@code docker.host}) or {@code swarm} (a Docker Swarm whose
     * manager {@code docker.host} is; see {@code swarm}).
     */
    public String backend = "docker";
    /** The Docker engine that runs stacks (with {@code backend: swarm}, a manager of the swarm). */
    public Docker docker = new Docker();
    /** Docker Swarm settings, used with {@code backend: swarm}. */
    public Swarm swarm = new Swarm();
    /** Logins (local accounts, single sign-on) and sessions. */
    public Auth auth = new Auth();
    /** The reverse proxy in front of users' services. */
    public Proxy proxy = new Proxy();
    /** The caller's identity handed to services that ask for it: header names, the signed assertion, its keys. */
    public Identity identity = new Identity();
    /** How much each user and group may run, and what Berth may hand out on this host in all. */
    public Quotas quotas = new Quotas();
    /** Stacks that belong to a group. */
    public GroupStacks groupStacks = new GroupStacks();
    /** The audit log of state-changing actions. */
    public AuditLog audit = new AuditLog();
    /** Stopping stacks nobody uses (per template: {@code idle_timeout}, {@code max_age}). */
    public Culling culling = new Culling();
    /** Sampling what each stack really uses: CPU, memory, network, block I/O, volume sizes (see {@link Usage}). */
    public Usage usage = new Usage();
    /** Backups of the data in users' stacks: folder, daily schedule, retention (see {@link DataBackups}). */
    public DataBackups backups = new DataBackups();
    /** Berth's own log on standard output (journald, docker logs). */
    public Logging logging = new Logging();
    /**
     * Image mapping for sites without Docker Hub: a template's upstream image name → the name to run instead
     * ({@code mongo:8.0: registry.site.local/mongo:8.0}). A key ending in {@code /} maps every image under that
     * prefix ({@code "docker.io/": "mirror.site.local/"}); an exact name wins over a prefix.
     */
    public Map<String, String> images = new LinkedHashMap<>();
    /**
     * Whether an image built on this host by {@code deploy/images/build.sh} stands in for a template's upstream image
     * that {@code images} does not map and the engine lacks (the list is {@code images/local-builds.yaml} in Berth's
     * jar: Jupyter, Omniboard, and a development stand-in for MongoDB). Off: only {@code images} applies.
     */
    public boolean localBuilds = true;

    /** Whether browsers reach Berth over HTTPS (cookies become {@code Secure} and {@code __Host-} prefixed). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean https() {
        return auth.secureCookies || server.publicUrl.startsWith("https://") || server.tls.enabled();
    }

    public static final class Server {
        public static final String DEFAULT_HOST = "127.0.0.1";
        public static final int DEFAULT_PORT = 8000;

        /** Address to listen on; {@code 0.0.0.0} for every interface. */
        public String host = DEFAULT_HOST;
        /** Port to listen on; 0 picks a free one (tests). */
        public int port = DEFAULT_PORT;
        /** HTTPS served by Berth itself (instead of behind a TLS-terminating front proxy). */
        public Tls tls = new Tls();
        /**
         * Host name that clients outside Berth (jobs on compute nodes) use to reach published TCP ports, shown in
         * connection strings. Empty: this machine's host name.
         */
        public String publicHost = "";
        /**
         * The portal's address as browsers reach it ({@code https://apps.site.org}), used to send visitors of a
         * host-routed service to the portal to log in. Empty: {@code http://<host>:<port>} ({@code localhost} when
         * listening on every interface).
         */
        public String publicUrl = "";
        /**
         * Client addresses (exact IPs) that may read {@code /metrics} without credentials, e.g. the Prometheus
         * server's; anyone else needs an admin session or an API token with the {@code admin} scope. This is the
         * connection's address: behind a reverse proxy on the same host every visitor comes from 127.0.0.1, so
         * Berth ignores the list for requests carrying {@code X-Forwarded-For} or {@code Forwarded}; a proxy that
         * adds neither must not forward {@code /metrics}, or the list must not name its address.
         */
        public java.util.List<String> metricsAllow = new java.util.ArrayList<>(java.util.List.of("127.0.0.1", "::1"));
    }

    public static final class Tls {
        /**
         * PEM file with the server's certificate followed by its chain (e.g. certbot's fullchain.pem). With
         * {@code key} set, Berth serves HTTPS only, on {@code server.port}; empty: plain HTTP.
         */
        public String certificate = "";
        /** PEM file with the certificate's private key, unencrypted (PKCS#8, PKCS#1 RSA or EC). */
        public String key = "";
        /** Seconds between checks of both files for a renewed certificate, which is then used without a restart; 0: never. */
        public int reloadSeconds = 300;

        public boolean enabled() {
            return !certificate.isBlank() || !key.isBlank();
        }
    }

    public static final class Store {
        public static final String DEFAULT_URL = "jdbc:h2:file:./data/berth";

        /**
         * JDBC URL of the database: an embedded H2 file ({@code jdbc:h2:file:…}, the default, under {@code ./data},
         * created when missing; {@code berth backup} works on it) or PostgreSQL ({@code jdbc:postgresql://host/db},
         * an existing, empty or Berth's own database; back it up with pg_dump).
         */
        public String url = DEFAULT_URL;
        /** Database user. */
        public String user = "berth";
        /** Database password (empty for the embedded H2 file). */
        public String password = "";
    }

    public static final class Catalog {
        public static final String DEFAULT_DIR = "templates";

        /** Folder of stack templates, one {@code *.yaml} file each; re-read when a file changes. */
        public String dir = DEFAULT_DIR;
    }

    public static final class Docker {
        public static final String DEFAULT_HOST = "unix:///var/run/docker.sock";
        public static final String DEFAULT_NAME_PREFIX = "berth";
        public static final int DEFAULT_START_TIMEOUT_SECONDS = 60;
        /** 0: {@link #startParallelism()} takes four per core, at least 8. */
        public static final int DEFAULT_START_PARALLELISM = 0;
        public static final int DEFAULT_PIDS_LIMIT = 1024;
        public static final int DEFAULT_RECONCILE_SECONDS = 3;
        public static final String DEFAULT_PUBLISH_HOST = "0.0.0.0";
        public static final int DEFAULT_CRASH_LOOP_RESTARTS = 5;
        public static final int DEFAULT_CRASH_LOOP_WINDOW_SECONDS = 300;

        /** Docker Engine API endpoint. */
        public String host = DEFAULT_HOST;
        /**
         * First part of every container and network name ({@code <prefix>-<user>--<stack>--<service>}); also the
         * value of the {@code berth.instance} label, so two Berths on one engine never touch each other's objects.
         */
        public String namePrefix = DEFAULT_NAME_PREFIX;
        /**
         * Seconds a stack may take from launch until its services are healthy before it is marked FAILED; a
         * service whose template sets {@code health.timeout} gets that long instead.
         */
        public int startTimeoutSeconds = DEFAULT_START_TIMEOUT_SECONDS;
        /**
         * Starts that run at once; more launches wait in line, first come first served, and their progress shows
         * how many are ahead. 0: four per core, at least 8. A start mostly waits (on the engine's network and
         * container set-up, then on the service's own boot), so slots by cores alone serialise that waiting: on 2
         * cores a burst of 10 light stacks took 18 s with 2 slots, 9 s with 5, 7 s with 10 (all at once: 5.5 s;
         * deploy/bench/burst-bench.sh). Lower it for images whose start-up is CPU-heavy. Stops and deletes never wait
         * for starts.
         */
        public int startParallelism = DEFAULT_START_PARALLELISM;
        /**
         * Seconds between comparisons of the store with the engine. A service that stopped running outside Berth is
         * reported after two passes in a row (so a restarting Docker daemon is not mistaken for a crash).
         */
        public int reconcileSeconds = DEFAULT_RECONCILE_SECONDS;
        /**
         * Host folders templates may mount ({@code volumes: x: {host_path: …}}): a path is allowed when it lies
         * under one of these prefixes after its references are filled in. Empty: no host folder at all.
         */
        public java.util.List<String> hostPaths = new java.util.ArrayList<>();
        /** Extra labels put on every object Berth creates (tests mark theirs for clean-up). */
        public Map<String, String> labels = new LinkedHashMap<>();
        /** Most processes (and threads) one container may run; stops fork bombs from taking the host. 0: no limit. */
        public int pidsLimit = DEFAULT_PIDS_LIMIT;
        /**
         * Host address that TCP ports of services ({@code expose: tcp}) are published on. The default serves
         * compute nodes on every interface; set an address of the cluster network to narrow it.
         */
        public String publishHost = DEFAULT_PUBLISH_HOST;
        /**
         * A READY stack fails ("crash loop") when the engine has restarted one of its services this many times within
         * {@code crash_loop_window_seconds}; until then its page shows the restarts, the last exit code and the last
         * log line. 0: never fail a stack for restarts (they are still shown).
         */
        public int crashLoopRestarts = DEFAULT_CRASH_LOOP_RESTARTS;
        /** The window, in seconds, in which {@code crash_loop_restarts} restarts of one service fail its stack. */
        public int crashLoopWindowSeconds = DEFAULT_CRASH_LOOP_WINDOW_SECONDS;

        /** {@code start_parallelism} in effect: as set, or for 0 four per core (at least 8). */
        public int startParallelism() {
            if (startParallelism < 0) {
                throw new ConfigException("docker.start_parallelism is " + startParallelism
                        + "; use 0 (four per core, at least 8) or the number of starts to run at once");
            }
            return startParallelism > 0 ? startParallelism : Math.max(8, 4 * Runtime.getRuntime().availableProcessors());
        }
    }

    public static final class Auth {
        public static final int DEFAULT_SESSION_IDLE_MINUTES = 8 * 60;
        public static final int DEFAULT_SESSION_MAX_HOURS = 7 * 24;

        /** Minutes without a request after which a session ends. */
        public int sessionIdleMinutes = DEFAULT_SESSION_IDLE_MINUTES;
        /** Hours after login at which a session ends whatever its use. */
        public int sessionMaxHours = DEFAULT_SESSION_MAX_HOURS;
        /**
         * Mark cookies {@code Secure} and prefix them {@code __Host-}; on by itself when {@code server.public_url}
         * starts with {@code https://}. Turn on when Berth is served over HTTPS (directly or behind a TLS proxy).
         */
        public boolean secureCookies = false;
        /** Accounts with a password kept in Berth. */
        public Local local = new Local();
        /** Single sign-on with the facility's OpenID Connect provider; off while {@code issuer} is empty. */
        public Oidc oidc = new Oidc();
        /** Slowing and locking repeated failed logins and bad API tokens (see {@link Throttle}). */
        public Throttle throttle = new Throttle();
    }

    public static final class Local {
        /**
         * Whether users may log in with a password kept in Berth. When false, only admins may (a break-glass login
         * for when the identity provider is down); everyone else signs in through {@code auth.oidc}.
         */
        public boolean enabled = true;
    }

    public static final class Quotas {
        /** Each user's limits, unless an admin set others for them (0: no limit for that resource). */
        public Limit user = new Limit(10, 20, 16, "64g");
        /** Each group's limits for its group stacks, unless an admin set others (0: no limit). */
        public Limit group = new Limit(20, 40, 32, "128g");
        /** CPU cores and memory Berth may hand out on this host, all stacks together (0: no limit). */
        public Limit host = new Limit(0, 0, 0, "0");
    }

    public static final class Limit {
        /** Stacks running at once (starting, ready or stopping; stopped ones do not count). */
        public int stacks;
        /** Containers of those stacks. */
        public int containers;
        /** CPU cores, the sum of the templates' {@code resources.cpu}. */
        public double cpu;
        /** Memory, the sum of the templates' {@code resources.memory}: {@code 512m}, {@code 16g}. */
        public String memory;

        public Limit() { }

        public Limit(int stacks, int containers, double cpu, String memory) {
            this.stacks = stacks;
            this.containers = containers;
            this.cpu = cpu;
            this.memory = memory;
        }
    }

    public static final class GroupStacks {
        /**
         * Who may stop, start, delete and share a group's stacks: {@code members} (every member), or
         * {@code group_admins} (members of the group {@code <group>-admins}, and Berth's admins). Every member opens
         * them and sees their connection strings either way.
         */
        public String managedBy = "members";
    }

    public static final class AuditLog {
        public static final int DEFAULT_RETENTION_DAYS = 365;

        /** {@code audit.retention_days}: days entries are kept (deleted by a daily job); 0 keeps them forever. */
        public int retentionDays = DEFAULT_RETENTION_DAYS;
    }

    public static final class Logging {
        /** {@code text} (one readable line per event) or {@code json} (one JSON object per line, for a log shipper). */
        public String format = "text";
        /**
         * Levels per logger (a package or class name): {@code io.berth.proxy: debug}. Levels: trace, debug, info,
         * warn, error, off. Berth's own packages start at info, chatty libraries (Jetty, Docker client) at warn.
         */
        public Map<String, String> levels = new LinkedHashMap<>();
    }

    public static final class Culling {
        /** Seconds between passes of the idle culler; a stack is stopped at most this long after its deadline. */
        public int intervalSeconds = 60;
    }
}
