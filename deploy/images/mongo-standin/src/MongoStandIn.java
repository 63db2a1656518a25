import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.QueryResult;
import de.bwaldvogel.mongo.backend.h2.H2Backend;
import de.bwaldvogel.mongo.bson.BinData;
import de.bwaldvogel.mongo.bson.Document;
import de.bwaldvogel.mongo.exception.MongoServerError;
import de.bwaldvogel.mongo.wire.message.MongoQuery;
import io.netty.channel.Channel;
import io.netty.util.AttributeKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;

/**
 * A DEVELOPMENT STAND-IN for MongoDB, for machines that cannot pull {@code mongo:8.0}: bwaldvogel's
 * mongo-java-server (MongoDB's wire protocol over an H2 MVStore file in {@code /data/db}) behind the one thing it
 * lacks and the Sacred template needs, a password. Like the official image it reads
 * {@code MONGO_INITDB_ROOT_USERNAME} / {@code MONGO_INITDB_ROOT_PASSWORD}; with them set, every connection must
 * authenticate with SCRAM-SHA-256 (RFC 5802/7677, MongoDB's default) against the {@code admin} database before any
 * command other than the handshake — so clients use the very connection strings they would use with MongoDB.
 * It is not MongoDB: one user, no roles, no TLS, no replica set, a subset of the query language. Production sites
 * map the Sacred template to {@code mongo:8.0} (their own registry mirror).
 */
public final class MongoStandIn {
    private MongoStandIn() { }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        String user = env.get("MONGO_INITDB_ROOT_USERNAME");
        String password = env.get("MONGO_INITDB_ROOT_PASSWORD");
        if ((user == null) != (password == null)) {
            fail("set both MONGO_INITDB_ROOT_USERNAME and MONGO_INITDB_ROOT_PASSWORD, or neither");
        }
        if (password != null && !password.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            fail("MONGO_INITDB_ROOT_PASSWORD must be printable ASCII without spaces (no SASLprep here)");
        }
        Path dir = Path.of(env.getOrDefault("MONGO_DATA_DIR", "/data/db"));
        Files.createDirectories(dir);
        int port = Integer.parseInt(env.getOrDefault("MONGO_PORT", "27017"));
        Scram.Credential credential = user == null ? null : Scram.Credential.of(user, password);
        H2Backend backend = new Guarded(dir.resolve("mongo-standin.mv").toString(), credential);
        MongoServer server = new MongoServer(backend);
        server.bind("0.0.0.0", port);
        System.out.printf("mongo-standin (mongo-java-server, a development stand-in for MongoDB) on port %d, data in %s, %s%n",
                port, dir, credential == null ? "NO authentication" : "SCRAM-SHA-256 for user " + user);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.shutdown(); // closes the backend, which commits the MVStore
            stop.countDown();
        }));
        stop.await();
    }

    private static void fail(String message) {
        System.err.println("mongo-standin: " + message);
        System.exit(2);
    }

    /** The H2 backend, refusing everything but the handshake on connections that have not authenticated. */
    static final class Guarded extends H2Backend {
        private static final Set<String> OPEN = Set.of("hello", "ismaster", "saslstart", "saslcontinue", "ping",
                "buildinfo", "whatsmyuri", "endsessions", "logout", "connectionstatus");
        private static final AttributeKey<String> USER = AttributeKey.valueOf("berth.user");
        private static final AttributeKey<Scram.Conversation> SCRAM = AttributeKey.valueOf("berth.scram");
        private final Scram.Credential credential;

        Guarded(String file, Scram.Credential credential) {
            super(file);
            this.credential = credential;
        }

        @Override
        public Document handleCommand(Channel channel, String database, String command, Document query) {
            String name = command.toLowerCase(java.util.Locale.ROOT);
            if (credential == null) {
                return super.handleCommand(channel, database, command, query);
            }
            switch (name) {
                case "saslstart" -> { return saslStart(channel, query); }
                case "saslcontinue" -> { return saslContinue(channel, query); }
                case "logout" -> { channel.attr(USER).set(null); return ok(new Document()); }
                default -> { }
            }
            if (!OPEN.contains(name)) {
                requireAuthenticated(channel, command);
            }
            Document answer = super.handleCommand(channel, database, command, query);
            if ((name.equals("hello") || name.equals("ismaster")) && query.containsKey("saslSupportedMechs")) {
                answer.put("saslSupportedMechs", List.of(Scram.MECHANISM)); // else drivers fall back to SCRAM-SHA-1
            }
            return answer;
        }

        @Override
        public QueryResult handleQuery(MongoQuery query) {
            if (credential != null) {
                requireAuthenticated(query.getChannel(), "find");
            }
            return super.handleQuery(query);
        }

        @Override
        public void handleClose(Channel channel) {
            channel.attr(USER).set(null);
            channel.attr(SCRAM).set(null);
            super.handleClose(channel);
        }

        private void requireAuthenticated(Channel channel, String command) {
            if (channel.attr(USER).get() == null) {
                throw new MongoServerError(13, "Unauthorized", "command " + command + " requires authentication");
            }
        }

        private Document saslStart(Channel channel, Document query) {
            if (!Scram.MECHANISM.equals(query.get("mechanism"))) {
                throw authFailed("mechanism " + query.get("mechanism") + " is not supported, only " + Scram.MECHANISM);
            }
            Scram.Conversation conversation = new Scram.Conversation(credential);
            String serverFirst;
            try {
                serverFirst = conversation.first(payload(query));
            } catch (IllegalArgumentException e) {
                throw authFailed(e.getMessage());
            }
            channel.attr(SCRAM).set(conversation);
            return ok(new Document("conversationId", 1).append("done", false).append("payload", binary(serverFirst)));
        }

        private Document saslContinue(Channel channel, Document query) {
            Scram.Conversation conversation = channel.attr(SCRAM).get();
            if (conversation == null) {
                throw authFailed("no SASL conversation in progress");
            }
            if (conversation.finished()) { // the client did not ask to skip the empty last exchange
                channel.attr(SCRAM).set(null);
                return ok(new Document("conversationId", 1).append("done", true).append("payload", binary("")));
            }
            String serverFinal;
            try {
                serverFinal = conversation.last(payload(query));
            } catch (IllegalArgumentException e) {
                channel.attr(SCRAM).set(null);
                throw authFailed(e.getMessage());
            }
            channel.attr(USER).set(credential.user());
            boolean skipEmpty = query.get("options") instanceof Document o && Boolean.TRUE.equals(o.get("skipEmptyExchange"));
            if (skipEmpty) {
                channel.attr(SCRAM).set(null);
            }
            return ok(new Document("conversationId", 1).append("done", skipEmpty).append("payload", binary(serverFinal)));
        }

        private static MongoServerError authFailed(String why) {
            System.out.println("mongo-standin: authentication failed: " + why);
            return new MongoServerError(18, "AuthenticationFailed", "Authentication failed.");
        }

        private static String payload(Document query) {
            Object payload = query.get("payload");
            byte[] bytes = payload instanceof BinData b ? b.getData() : payload instanceof byte[] a ? a : null;
            if (bytes == null) {
                throw authFailed("payload missing");
            }
            return new String(bytes, StandardCharsets.UTF_8);
        }

        private static BinData binary(String s) {
            return new BinData(s.getBytes(StandardCharsets.UTF_8));
        }

        private static Document ok(Document d) {
            return d.append("ok", 1.0);
        }
    }
}
